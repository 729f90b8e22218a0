// Subscripts on every indexable value: arrays (NumPy basic and advanced
// indexing, through NDArray.get/set), tuples, lists, strings and records.
// Writes into arrays copy the storage first unless it is uniquely held.

enum Indexing {
    /// `base[indices...]`.
    static func get(_ base: Value, _ indices: [Value]) throws -> Value {
        switch base {
        case .array(let a):
            return Value.wrap(try a.get(try components(indices)))
        case .tuple(let t):
            return try sequenceGet(t.items, indices, typeName: "tuple") { .tuple($0) }
        case .list(let l):
            return try sequenceGet(l.items, indices, typeName: "list") { .list(ListObject($0)) }
        case .string(let s):
            let chars = s.value.map { Value.string(String($0)) }
            return try sequenceGet(chars, indices, typeName: "string") { items in
                .string(items.map { if case .string(let c) = $0 { return c.value } else { return "" } }.joined())
            }
        case .record(let r):
            guard indices.count == 1, case .string(let key) = indices[0] else {
                throw ADLError.type("record keys must be strings")
            }
            guard let v = r[key.value] else {
                throw ADLError(.index, "record has no key '\(key.value)'",
                               notes: r.keys.isEmpty ? [] : ["keys: " + r.keys.map { "'\($0)'" }.joined(separator: ", ")])
            }
            return v
        default:
            throw ADLError.type("'\(base.typeName)' object is not subscriptable")
        }
    }

    /// Row `i` of an array along its first axis (for loops and unpacking).
    static func row(_ a: NDArray, _ i: Int) throws -> Value {
        Value.wrap(try a.get([.int(i)]))
    }

    /// `target[indices...] = value`, in place; `target` is a variable's storage.
    static func set(_ target: inout Value, _ indices: [Value], _ value: Value) throws {
        switch target {
        case .array(var a):
            target = .none
            // Copy-on-write: another variable may share this storage.
            if !isKnownUniquelyReferenced(&a) { a = a.copy() }
            defer { target = .array(a) }
            let comps = try components(indices)
            switch value {
            case .float(let x): try a.set(comps, scalar: x)
            case .int(let i): try a.set(comps, scalar: Double(i))
            case .bool(let b): try a.set(comps, scalar: b ? 1 : 0)
            default: try a.set(comps, try Coerce.array(value, what: "assigned value"))
            }
        case .list(let l):
            guard indices.count == 1 else { throw ADLError.type("list indices must be integers") }
            let i = try normalized(try Coerce.int(indices[0], what: "list index"), count: l.items.count, typeName: "list")
            l.items[i] = value
        case .record(let r):
            guard indices.count == 1, case .string(let key) = indices[0] else {
                throw ADLError.type("record keys must be strings")
            }
            r.set(key.value, value)
        case .float, .int, .bool:
            throw ADLError.type("a number does not support item assignment")
        default:
            throw ADLError.type("'\(target.typeName)' object does not support item assignment")
        }
    }

    /// `del base[index]` for lists and records.
    static func delete(_ base: Value, _ indices: [Value]) throws {
        switch base {
        case .list(let l):
            guard indices.count == 1 else { throw ADLError.type("list indices must be integers") }
            let i = try normalized(try Coerce.int(indices[0], what: "list index"), count: l.items.count, typeName: "list")
            l.items.remove(at: i)
        case .record(let r):
            guard indices.count == 1, case .string(let key) = indices[0] else {
                throw ADLError.type("record keys must be strings")
            }
            if !r.remove(key.value) { throw ADLError(.index, "record has no key '\(key.value)'") }
        default:
            throw ADLError.type("'\(base.typeName)' object does not support item deletion")
        }
    }

    // MARK: - Helpers

    /// Converts evaluated subscript values to array index components.
    static func components(_ indices: [Value]) throws -> [NDArray.IndexComponent] {
        var out: [NDArray.IndexComponent] = []
        var flat = indices
        // `x[(1, 2)]` means `x[1, 2]`, as in NumPy.
        if flat.count == 1, case .tuple(let t) = flat[0] { flat = t.items }
        for v in flat {
            switch v {
            case .int(let i): out.append(.int(i))
            case .float(let x):
                guard x == x.rounded(.towardZero), x.isFinite, abs(x) < 9.2e18 else {
                    throw ADLError.index("only integers, slices (`:`), None and integer or boolean arrays are valid indices; got \(NumberFormat.pythonFloat(x))")
                }
                out.append(.int(Int(x)))
            case .bool(let b):
                out.append(.mask(try NDArray(shape: [], values: [b ? 1 : 0], isBool: true)))
            case .none: out.append(.newAxis)
            case .slice(let s):
                out.append(.slice(start: try sliceBound(s.start), stop: try sliceBound(s.stop), step: try sliceBound(s.step)))
            case .array(let a):
                out.append(a.isBool ? .mask(a) : .intArray(a))
            case .list(let l):
                out.append(.intArray(try Coerce.array(.list(l))))
            default:
                throw ADLError.index("only integers, slices (`:`), None and integer or boolean arrays are valid indices, not '\(v.typeName)'")
            }
        }
        return out
    }

    static func sliceBound(_ v: Value) throws -> Int? {
        if case .none = v { return nil }
        return try Coerce.int(v, what: "slice index")
    }

    static func normalized(_ i: Int, count: Int, typeName: String) throws -> Int {
        let j = i < 0 ? i + count : i
        guard j >= 0, j < count else { throw ADLError.index("\(typeName) index out of range (index \(i), length \(count))") }
        return j
    }

    /// Python sequence indexing and slicing for tuples, lists and strings.
    static func sequenceGet(_ items: [Value], _ indices: [Value], typeName: String,
                            make: ([Value]) -> Value) throws -> Value {
        guard indices.count == 1 else { throw ADLError.type("\(typeName) indices must be integers or slices") }
        if case .slice(let s) = indices[0] {
            let n = items.count
            let step = try sliceBound(s.step) ?? 1
            if step == 0 { throw ADLError.value("slice step cannot be zero") }
            func clamp(_ v: Int?, _ dflt: Int) -> Int {
                guard var v else { return dflt }
                if v < 0 { v += n }
                if step > 0 { return min(max(v, 0), n) }
                return min(max(v, -1), n - 1)
            }
            let start = clamp(try sliceBound(s.start), step > 0 ? 0 : n - 1)
            let stop = clamp(try sliceBound(s.stop), step > 0 ? n : -1)
            var out: [Value] = []
            var i = start
            while step > 0 ? i < stop : i > stop {
                out.append(items[i])
                i += step
            }
            return make(out)
        }
        let i = try normalized(try Coerce.int(indices[0], what: "\(typeName) index"), count: items.count, typeName: typeName)
        return items[i]
    }
}

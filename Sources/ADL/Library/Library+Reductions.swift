// Reductions with `axis=` (int or tuple) and `keepdims=`: sum mean prod max
// min any all argmax argmin. `max(a, b, ...)` with two or more positional
// arguments compares elementwise, like Python's builtin (SPEC §7).

extension Library {
    static func registerReductions(_ t: BuiltinTable) {
        let kinds: [(String, NDArray.Reduction)] = [
            ("sum", .sum), ("mean", .mean), ("prod", .prod), ("max", .max), ("min", .min),
            ("amax", .max), ("amin", .min), ("any", .any), ("all", .all),
        ]
        for (name, kind) in kinds {
            t.register(name) { _, args in
                if name == "max" || name == "min", args.positional.count >= 2 {
                    // Python's max(a, b, ...): elementwise over the arguments.
                    guard args.keywords.isEmpty else {
                        throw ADLError.argument("\(name)() with several arguments takes no keywords")
                    }
                    if args.positional.allSatisfy({ Operators.number($0) != nil }) {
                        // All scalars: Python's builtin, which keeps the winning value as it is (an int stays an int).
                        var best = args.positional[0]
                        for v in args.positional.dropFirst() {
                            guard let x = Operators.number(v), let b = Operators.number(best) else { continue }
                            if kind == .max ? x > b : x < b { best = v }
                        }
                        return best
                    }
                    var acc = args.positional[0]
                    for v in args.positional.dropFirst() {
                        acc = try mapBinary(kind == .max ? .maximum : .minimum, acc, v)
                    }
                    return acc
                }
                let p = try args.bind(name, ["a", "axis", "keepdims"], required: 1)
                return try reduce(kind, p[0] ?? .none, axis: p[1], keepdims: p[2], name: name)
            }
        }
        for (name, isMax) in [("argmax", true), ("argmin", false)] {
            t.register(name) { _, args in
                let p = try args.bind(name, ["a", "axis", "out", "keepdims"], required: 1)
                if p[2].nonNone != nil { throw ADLError.argument("\(name)() does not support out=") }
                let r = try argReduce(p[0] ?? .none, isMax: isMax, axis: p[1], name: name)
                guard try bool(p[3], default: false) else { return r }
                // keepdims: the reduced axis (every axis when axis is None) stays with size 1.
                let a = try Coerce.array(p[0] ?? .none)
                var shape = a.shape
                if let axis = p[1].nonNone {
                    let k = try Coerce.int(axis, what: "axis")
                    let ax = k < 0 ? k + a.ndim : k
                    if ax >= 0 && ax < shape.count { shape[ax] = 1 }
                } else {
                    shape = shape.map { _ in 1 }
                }
                return .array(try Coerce.array(r).reshaped(shape))
            }
        }
    }

    /// `name(v, axis=, keepdims=)`; `name` is the builtin's, for the type error.
    static func reduce(_ kind: NDArray.Reduction, _ v: Value, axis: Value?, keepdims: Value?,
                       name: String = "reduction") throws -> Value {
        let a = try Coerce.array(v, what: "\(name)() argument")
        var axes = try self.axes(axis)
        // NumPy's ufunc reductions accept axis=0 or -1 (an int, not a tuple) on a number.
        if a.ndim == 0, kind != .mean, isLegacyScalarAxis(axis) { axes = [] }
        let keep = try bool(keepdims, default: false)
        let r = try a.reduce(kind, axes: axes, keepdims: keep)
        // A full reduction of a bool array counts: an int (SPEC §13).
        if kind == .sum, a.isBool, r.shape.isEmpty, let n = Int(exactly: r.data[0]) { return .int(n) }
        return Value.wrap(r)
    }

    static func argReduce(_ v: Value, isMax: Bool, axis: Value?, name: String = "argmax") throws -> Value {
        let a = try Coerce.array(v, what: "\(name)() argument")
        var ax = try axis.nonNone.map { try Coerce.int($0, what: "axis") }
        if a.ndim == 0, isLegacyScalarAxis(axis) { ax = nil }
        let r = try a.argReduce(max: isMax, axis: ax)
        if r.shape.isEmpty { return .int(Int(r.data[0])) }
        return .array(r)
    }

    /// An `axis=` of the int 0 or -1 (or a float equal to it), which NumPy allows for a 0-d array.
    static func isLegacyScalarAxis(_ axis: Value?) -> Bool {
        guard let axis = axis.nonNone, Operators.number(axis) != nil, let i = try? Coerce.int(axis) else { return false }
        return i == 0 || i == -1
    }
}

// The general (slow) paths of the operators: mixed scalar kinds, arrays,
// strings, containers. Array results reuse an operand's buffer when the VM
// holds the only reference to it (temporaries in `x * y + 1.0`).

extension VM {
    /// `l op r` for any pair of values.
    func binary(_ op: OpCode, _ l: consuming Value, _ r: consuming Value) throws -> Value {
        // Arrays first, handing over ownership so a unique temporary can be reused.
        if case .array = l { return try arrayBinary(op, consume l, consume r) }
        if case .array = r { return try arrayBinary(op, consume l, consume r) }
        // A ragged list used in arithmetic with a number: say which shapes did not fit.
        // (list + list is concatenation, below.)
        let listOperands = (l.isList ? 1 : 0) + (r.isList ? 1 : 0)
        if listOperands == 1, Operators.elementwise(op) != nil, op != .equal, op != .notEqual {
            _ = try Coerce.array(l.isList ? l : r)
        }
        switch (l, r) {
        case (.int(let x), .int(let y)):
            return try Operators.intBinary(op, x, y)
        case (.bool(let x), .bool(let y)):
            switch op {
            case .bitAnd: return .bool(x && y)
            case .bitOr: return .bool(x || y)
            case .bitXor: return .bool(x != y)
            case .equal: return .bool(x == y)
            case .notEqual: return .bool(x != y)
            default: return try Operators.intBinary(op, x ? 1 : 0, y ? 1 : 0)
            }
        case (.int(let x), .bool(let b)):
            return try Operators.intBinary(op, x, b ? 1 : 0)
        case (.bool(let b), .int(let y)):
            return try Operators.intBinary(op, b ? 1 : 0, y)
        case (.float, .float), (.float, .int), (.int, .float), (.float, .bool), (.bool, .float):
            if let exact = Operators.exactMixedComparison(op, l, r) { return .bool(exact) }
            guard let x = Operators.number(l), let y = Operators.number(r) else { break }
            if case .bitAnd = op { throw unsupported(op, l, r) }
            if case .bitOr = op { throw unsupported(op, l, r) }
            if case .bitXor = op { throw unsupported(op, l, r) }
            if case .matmul = op {
                throw ADLError.value("matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)")
            }
            guard let e = Operators.elementwise(op) else { throw unsupported(op, l, r) }
            let v = e.apply(x, y)
            return e.yieldsBool ? .bool(v != 0) : .float(v)
        case (.string(let a), .string(let b)):
            switch op {
            case .add:
                try VM.checkSize(a.value.utf8.count + b.value.utf8.count, "string", "bytes")
                return .string(a.value + b.value)
            case .equal: return .bool(a.value == b.value)
            case .notEqual: return .bool(a.value != b.value)
            case .less: return .bool(a.value < b.value)
            case .lessEqual: return .bool(a.value <= b.value)
            case .greater: return .bool(a.value > b.value)
            case .greaterEqual: return .bool(a.value >= b.value)
            default: break
            }
        case (.int, .string) where op == .mul:
            return try binary(op, r, l)    // 3 * "ab" is "ab" * 3
        case (.string(let a), .int(let n)) where op == .mul:
            let (total, overflow) = a.value.utf8.count.multipliedReportingOverflow(by: max(0, n))
            if overflow || total > NDArray.maxElements {
                throw ADLError.memory("string of \(overflow ? "more than \(Int.max)" : String(total)) bytes exceeds the allocation limit of \(NDArray.maxElements)")
            }
            // An empty string repeated any number of times is empty (without looping n times).
            if a.value.isEmpty || n <= 0 { return .string(StringObject("")) }
            return .string(String(repeating: a.value, count: n))
        case (.tuple(let a), .tuple(let b)) where op == .add:
            try VM.checkSize(a.items.count + b.items.count, "tuple", "items")
            return .tuple(a.items + b.items)
        case (.list(let a), .list(let b)) where op == .add:
            try VM.checkSize(a.items.count + b.items.count, "list", "items")
            return .list(ListObject(a.items + b.items))
        default:
            break
        }
        switch op {
        case .equal: return .bool(Operators.equalValues(l, r))
        case .notEqual: return .bool(!Operators.equalValues(l, r))
        default: throw unsupported(op, l, r)
        }
    }

    /// Strings, tuples and lists obey the allocation limit of arrays.
    static func checkSize(_ n: Int, _ kind: String, _ unit: String) throws {
        if n > NDArray.maxElements {
            throw ADLError.memory("\(kind) of \(n) \(unit) exceeds the allocation limit of \(NDArray.maxElements)")
        }
    }

    @inline(never)
    func unsupported(_ op: OpCode, _ l: Value, _ r: Value) -> ADLError {
        ADLError.type("unsupported operand type(s) for \(Operators.symbol(op)): '\(l.typeName)' and '\(r.typeName)'")
    }

    /// An operation with at least one array operand.
    func arrayBinary(_ op: OpCode, _ l: consuming Value, _ r: consuming Value) throws -> Value {
        // MARK: Autodiff recording hook (one branch when off)
        if let trace = activeTrace {
            // Each operand's node is looked up once, here, and handed to the recording.
            let leftNode = trace.node(of: l), rightNode = trace.node(of: r)
            if leftNode != nil || rightNode != nil || trace.isTraced(l) || trace.isTraced(r) {
                let left = l, right = r
                noteLocation(trace)
                let result: Value
                // Traced numbers are 0-d arrays: compute them as numbers (the scalar rules are NumPy's too).
                if let x = VM.scalarOperand(left), let y = VM.scalarOperand(right), op != .matmul {
                    result = try binary(op, x, y)
                } else {
                    result = try untracedArrayBinary(op, left, right)
                }
                return trace.record(.binary(op), left, leftNode, right, rightNode, result: result)
            }
        }
        return try untracedArrayBinary(op, l, r)
    }

    /// A float for a float or a 0-d float array (a traced number), nil otherwise.
    static func scalarOperand(_ v: Value) -> Value? {
        switch v {
        case .float: return v
        case .int(let i): return .float(Double(i))
        case .array(let a) where a.shape.isEmpty && !a.isBool: return .float(a.data[0])
        default: return nil
        }
    }

    /// `arrayBinary` without the recording hook.
    func untracedArrayBinary(_ op: OpCode, _ l: consuming Value, _ r: consuming Value) throws -> Value {
        var left = consume l
        var right = consume r
        let result: Value
        if case .matmul = op {
            let a = try Coerce.array(left, what: "matmul operand")
            let b = try Coerce.array(right, what: "matmul operand")
            result = Value.wrap(try NDArray.matmul(a, b))
        } else {
            guard let e = Operators.elementwise(op) else { throw unsupported(op, left, right) }
            // A Python bool with a bool array is a bool array too (`mask * True` stays bool).
            if case .bool = right, case .array(let a) = left, a.isBool { right = .array(try Coerce.array(right)) }
            if case .bool = left, case .array(let b) = right, b.isBool { left = .array(try Coerce.array(left)) }
            if case .array(var a) = left {
                left = .none
                if case .array(var b) = right {
                    right = .none
                    if a.isBool && b.isBool {
                        // NumPy: on two bool arrays + is logical or, * is logical and, - is refused.
                        switch e {
                        case .add: return Value.wrap(try NDArray.binary(.logicalOr, a, b))
                        case .mul: return Value.wrap(try NDArray.binary(.logicalAnd, a, b))
                        case .sub: throw ADLError.type("numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead")
                        default: break
                        }
                    }
                    // Reuse a uniquely held operand as the output buffer.
                    var reuse: NDArray?
                    if !a.isBool && isKnownUniquelyReferenced(&a) { reuse = a }
                    else if !b.isBool && isKnownUniquelyReferenced(&b) { reuse = b }
                    result = Value.wrap(try NDArray.binary(e, a, b, reuse: reuse))
                } else if let s = Operators.number(right) {
                    let reuse: NDArray? = (!a.isBool && isKnownUniquelyReferenced(&a)) ? a : nil
                    if e == .pow, !a.isBool, let fast = VM.fastPower(a, s, reuse: reuse) {
                        result = Value.wrap(fast)
                    } else {
                        result = Value.wrap(NDArray.binary(e, a, scalar: s, scalarOnLeft: false, reuse: reuse))
                    }
                } else {
                    let b = try Coerce.array(right, what: "operand")
                    result = Value.wrap(try NDArray.binary(e, a, b))
                }
            } else if case .array(var b) = right {
                right = .none
                if let s = Operators.number(left) {
                    let reuse: NDArray? = (!b.isBool && isKnownUniquelyReferenced(&b)) ? b : nil
                    result = Value.wrap(NDArray.binary(e, b, scalar: s, scalarOnLeft: true, reuse: reuse))
                } else {
                    let a = try Coerce.array(left, what: "operand")
                    result = Value.wrap(try NDArray.binary(e, a, b))
                }
            } else {
                throw unsupported(op, left, right)
            }
        }
        return result
    }

    /// The `**` operator's fast paths, as NumPy's: `x ** 2` squares, `x ** 0.5` takes
    /// square roots, `x ** 1` copies (the function `power` always calls pow).
    static func fastPower(_ a: NDArray, _ exponent: Double, reuse: NDArray?) -> NDArray? {
        switch exponent {
        case 2: return a.unary(.square, reuse: reuse)
        case 0.5: return a.unary(.sqrt, reuse: reuse)
        case 1: return a.unary(.pos, reuse: reuse)
        default: return nil
        }
    }

    /// `-x`, `+x`, `~x`.
    func unary(_ op: OpCode, _ x: consuming Value) throws -> Value {
        if let trace = activeTrace, trace.isTraced(x) {
            let operand = x
            noteLocation(trace)
            return trace.record(.unary(op), [operand], result: try untracedUnary(op, operand))
        }
        return try untracedUnary(op, x)
    }

    func untracedUnary(_ op: OpCode, _ x: consuming Value) throws -> Value {
        switch (op, x) {
        case (.negate, .int(let i)):
            if i == Int.min { throw ADLError(.overflow, "integer overflow in -(\(i))") }
            return .int(-i)
        case (.negate, .float(let d)): return .float(-d)
        case (.negate, .bool(let b)): return .int(b ? -1 : 0)
        case (.plus, .int), (.plus, .float): return x
        case (.plus, .bool(let b)): return .int(b ? 1 : 0)
        case (.invert, .int(let i)): return .int(~i)
        case (.invert, .bool(let b)): return .bool(!b)
        case (.negate, .array(let a)):
            if a.isBool { throw ADLError.type("the numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead") }
            return .array(a.unary(.neg))
        case (.plus, .array): return x
        case (.invert, .array(let a)):
            guard a.isBool else { throw ADLError.type("ufunc 'invert' not supported for float arrays; use ~ on boolean arrays") }
            return .array(a.unary(.logicalNot))
        default:
            throw ADLError.type("bad operand type for unary \(Operators.symbol(op)): '\(x.typeName)'")
        }
    }
}

/// Conversions of values to the types builtins and operators need.
public enum Coerce {
    /// Any number, bool or array as an array (scalars become 0-d arrays).
    public static func array(_ v: Value, what: String = "argument") throws -> NDArray {
        switch v {
        case .array(let a): return a
        case .float(let x): return try NDArray(shape: [], values: [x])
        case .int(let i): return try NDArray(shape: [], values: [Double(i)])
        case .bool(let b): return try NDArray(shape: [], values: [b ? 1 : 0], isBool: true)
        case .list(let l) where l.items.contains(where: { if case .tuple = $0 { return true }; if case .list = $0 { return true }; return false }):
            // Tuples (or lists) inside a list are nested sequences too: [(1, 2), (3, 4)] is 2-d.
            let items = try l.items.map { item -> Value in
                switch item {
                case .tuple, .list: return .array(try array(item, what: what))
                default: return item
                }
            }
            if case .list = try Operators.display(items) {
                let shapes = items.map { item -> String in
                    if case .array(let a) = item { return Formatting.shape(a.shape) }
                    if Operators.number(item) != nil { return "()" }
                    return item.typeName
                }
                throw ADLError.shape("cannot use a ragged list as an array: element shapes \(shapes.joined(separator: " "))")
            }
            return try array(Operators.display(items), what: what)
        case .list(let l):
            // A ragged display used as an array: name the shapes.
            let shapes = l.items.map { item -> String in
                if case .array(let a) = item { return Formatting.shape(a.shape) }
                if Operators.number(item) != nil { return "()" }
                return item.typeName
            }
            throw ADLError.shape("cannot use a ragged list as an array: element shapes \(shapes.joined(separator: " "))")
        case .tuple(let t):
            // Nested tuples are nested sequences, as for np.array: ((1, 2), (3, 4)) is 2-d.
            let items = try t.items.map { item -> Value in
                if case .tuple = item { return .array(try array(item, what: what)) }
                return item
            }
            return try array(Operators.display(items), what: what)
        default:
            throw ADLError.type("\(what) must be an array or a number, not '\(v.typeName)'")
        }
    }

    /// A float from a number or single-element array.
    public static func double(_ v: Value, what: String = "argument") throws -> Double {
        switch v {
        case .float(let x): return x
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .array(let a) where a.count == 1: return a.data[0]
        default:
            throw ADLError.type("\(what) must be a number, not '\(v.typeName)'")
        }
    }

    /// An integer from an int, a bool or an integral float (SPEC §13).
    public static func int(_ v: Value, what: String = "argument") throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let x):
            guard x == x.rounded(.towardZero), x.isFinite, abs(x) < 9.2e18 else {
                throw ADLError.type("\(what) must be an integer, not the float \(NumberFormat.pythonFloat(x))")
            }
            return Int(x)
        default:
            throw ADLError.type("\(what) must be an integer, not '\(v.typeName)'")
        }
    }

    /// A shape from an int or a tuple/list/array of ints.
    public static func shape(_ v: Value, what: String = "shape") throws -> [Int] {
        switch v {
        case .tuple(let t): return try t.items.map { try int($0, what: what) }
        case .list(let l): return try l.items.map { try int($0, what: what) }
        case .array(let a):
            guard a.shape.count <= 1 else { throw ADLError.type("\(what) must be an int or a tuple of ints") }
            return try (0..<a.count).map { try int(.float(a.data[$0]), what: what) }
        default: return [try int(v, what: what)]
        }
    }

    public static func string(_ v: Value, what: String = "argument") throws -> String {
        guard case .string(let s) = v else { throw ADLError.type("\(what) must be a string, not '\(v.typeName)'") }
        return s.value
    }
}

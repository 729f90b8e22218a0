// The semantics of ADL's operators on every pair of value kinds: Python's
// rules for ints (checked overflow, floor division, `/` gives a float),
// NumPy's for floats and arrays (broadcasting, `7.0 // 0` is inf), logical
// `& | ~` on bools and bitwise on ints.

enum Operators {
    static func elementwise(_ op: OpCode) -> ElementwiseBinary? {
        switch op {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .floorDiv: return .floorDiv
        case .mod: return .mod
        case .pow: return .pow
        case .less: return .lt
        case .lessEqual: return .le
        case .greater: return .gt
        case .greaterEqual: return .ge
        case .equal: return .eq
        case .notEqual: return .ne
        case .bitAnd: return .logicalAnd
        case .bitOr: return .logicalOr
        case .bitXor: return .logicalXor
        default: return nil
        }
    }

    static func symbol(_ op: OpCode) -> String {
        switch op {
        case .add: return "+"
        case .sub: return "-"
        case .mul: return "*"
        case .div: return "/"
        case .floorDiv: return "//"
        case .mod: return "%"
        case .pow: return "**"
        case .matmul: return "@"
        case .bitAnd: return "&"
        case .bitOr: return "|"
        case .bitXor: return "^"
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .equal: return "=="
        case .notEqual: return "!="
        case .negate: return "-"
        case .plus: return "+"
        case .invert: return "~"
        default: return op.mnemonic
        }
    }

    // MARK: - Ints (Python semantics)

    static func intBinary(_ op: OpCode, _ x: Int, _ y: Int) throws -> Value {
        func overflow() -> ADLError { ADLError(.overflow, "integer overflow in \(x) \(symbol(op)) \(y)") }
        switch op {
        case .add:
            let (r, o) = x.addingReportingOverflow(y); if o { throw overflow() }; return .int(r)
        case .sub:
            let (r, o) = x.subtractingReportingOverflow(y); if o { throw overflow() }; return .int(r)
        case .mul:
            let (r, o) = x.multipliedReportingOverflow(by: y); if o { throw overflow() }; return .int(r)
        case .div:
            return .float(Double(x) / Double(y))
        case .floorDiv:
            if y == 0 { throw ADLError(.zeroDivision, "integer division by zero") }
            if x == Int.min && y == -1 { throw overflow() }
            let q = x / y
            return .int((x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q)
        case .mod:
            if y == 0 { throw ADLError(.zeroDivision, "integer modulo by zero") }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int((r != 0 && ((r < 0) != (y < 0))) ? r + y : r)
        case .pow:
            if y < 0 { return .float(Foundation_pow(Double(x), Double(y))) }
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: base); if o { throw overflow() }
                    result = r
                }
                e >>= 1
                if e > 0 {
                    let (b, o) = base.multipliedReportingOverflow(by: base); if o { throw overflow() }
                    base = b
                }
            }
            return .int(result)
        case .bitAnd: return .int(x & y)
        case .bitOr: return .int(x | y)
        case .bitXor: return .int(x ^ y)
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
            return .bool(comparison(op, x, y) ?? false)
        case .matmul: throw ADLError.type("matmul: Input operand does not have enough dimensions (scalars are not allowed)")
        default: throw ADLError.type("unsupported operand type(s) for \(symbol(op)): 'int' and 'int'")
        }
    }

    /// `int op float` compared exactly, as Python does (`2**53 + 1 > 2.0**53`); nil for other ops.
    static func exactMixedComparison(_ op: OpCode, _ l: Value, _ r: Value) -> Bool? {
        let i: Int, x: Double, intOnLeft: Bool
        switch (l, r) {
        case (.int(let a), .float(let b)): (i, x, intOnLeft) = (a, b, true)
        case (.float(let a), .int(let b)): (i, x, intOnLeft) = (b, a, false)
        default: return nil
        }
        // -1, 0, 1: the sign of (int - float); nil when the float is nan.
        func order() -> Int? {
            if x.isNaN { return nil }
            let d = Double(i)
            if d < x { return -1 }
            if d > x { return 1 }
            // d == x: x is integral; compare exactly unless it is 2**63, above every Int.
            if x >= 9.223372036854775807e18 { return -1 }
            let xi = Int(x)
            return i < xi ? -1 : (i > xi ? 1 : 0)
        }
        guard let o0 = order() else { return op == .notEqual ? true : (isComparison(op) ? false : nil) }
        let o = intOnLeft ? o0 : -o0
        switch op {
        case .less: return o < 0
        case .lessEqual: return o <= 0
        case .greater: return o > 0
        case .greaterEqual: return o >= 0
        case .equal: return o == 0
        case .notEqual: return o != 0
        default: return nil
        }
    }

    /// `x op y` for the six comparison opcodes (IEEE semantics for doubles); nil for other opcodes.
    @inline(__always)
    static func comparison<T: Comparable>(_ op: OpCode, _ x: T, _ y: T) -> Bool? {
        switch op {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .equal: return x == y
        case .notEqual: return x != y
        default: return nil
        }
    }

    static func isComparison(_ op: OpCode) -> Bool {
        switch op {
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return true
        default: return false
        }
    }

    // MARK: - Truth, identity

    /// Python truthiness; an array is true only when it has exactly one element that is nonzero.
    static func truth(_ v: Value) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let x): return x != 0
        case .none, .undefined: return false
        case .array(let a):
            if a.count == 1 { return a.data[0] != 0 }
            if a.count == 0 { return false }
            throw ADLError.value("the truth value of an array with more than one element is ambiguous; use a.any() or a.all()")
        case .string(let s): return !s.value.isEmpty
        case .tuple(let t): return !t.items.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .record(let r): return !r.keys.isEmpty
        default: return true
        }
    }

    /// `is`: identity for objects, equality for None/bools/small scalars (as Python behaves for them).
    static func identical(_ l: Value, _ r: Value) -> Bool {
        switch (l, r) {
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern
        case (.array(let a), .array(let b)): return a === b
        case (.string(let a), .string(let b)): return a === b || a.value == b.value
        case (.tuple(let a), .tuple(let b)): return a === b
        case (.list(let a), .list(let b)): return a === b
        case (.record(let a), .record(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        case (.builtin(let a), .builtin(let b)): return a === b
        default: return false
        }
    }

    /// Structural equality for non-numeric values (`==` on strings, tuples, None...).
    static func equalValues(_ l: Value, _ r: Value) -> Bool {
        switch (l, r) {
        case (.none, .none): return true
        case (.string(let a), .string(let b)): return a.value == b.value
        case (.tuple(let a), .tuple(let b)):
            return a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { pair in
                scalarEqual(pair.0, pair.1) ?? equalValues(pair.0, pair.1)
            }
        case (.list(let a), .list(let b)):
            return a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { pair in
                scalarEqual(pair.0, pair.1) ?? equalValues(pair.0, pair.1)
            }
        default: return identical(l, r)
        }
    }

    static func scalarEqual(_ l: Value, _ r: Value) -> Bool? {
        guard let x = number(l), let y = number(r) else { return nil }
        return x == y
    }

    /// The numeric value of a scalar (bool, int, float).
    static func number(_ v: Value) -> Double? {
        switch v {
        case .float(let x): return x
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    // MARK: - Loops and unpacking

    static func rangeInt(_ v: Value, _ what: String) throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let x):
            if x == x.rounded(), abs(x) < 9.2e18 { return Int(x) }
            throw ADLError.type("range() \(what) must be an integer, not the float \(NumberFormat.pythonFloat(x))")
        default:
            throw ADLError.type("range() \(what) must be an integer, not '\(v.typeName)'")
        }
    }

    /// Refuses to turn an array into more separate row values than the allocation limit allows.
    static func checkRowCount(_ a: NDArray) throws {
        if let rows = a.shape.first, rows > NDArray.maxElements || (a.ndim > 1 && rows > 1 << 24) {
            throw ADLError.memory("cannot make \(rows) separate rows of an array of shape \(Formatting.shape(a.shape)); the limit is \(a.ndim > 1 ? 1 << 24 : NDArray.maxElements)")
        }
    }

    static func iterator(_ v: Value) throws -> IteratorObject {
        switch v {
        case .tuple(let t): return IteratorObject(.items(t.items))
        case .list(let l): return IteratorObject(.items(l.items))
        case .array(let a): return IteratorObject(.arrayRows(a))
        case .string(let s): return IteratorObject(.items(s.value.map { .string(String($0)) }))
        case .record(let r): return IteratorObject(.items(r.keys.map { .string($0) }))
        case .iterator(let it): return it
        default: throw ADLError.type("'\(v.typeName)' object is not iterable")
        }
    }

    static func next(_ it: IteratorObject) throws -> Value? {
        switch it.source {
        case .items(let items):
            guard it.position < items.count else { return nil }
            it.position += 1
            return items[it.position - 1]
        case .arrayRows(let a):
            guard let rows = a.shape.first else {
                throw ADLError.type("iteration over a 0-d array")
            }
            guard it.position < rows else { return nil }
            it.position += 1
            return try Indexing.row(a, it.position - 1)
        case .range(let start, let stop, let step):
            let i = start + it.position * step
            guard step > 0 ? i < stop : i > stop else { return nil }
            it.position += 1
            return .int(i)
        }
    }

    static func unpack(_ v: Value, count: Int) throws -> [Value] {
        let items: [Value]
        switch v {
        case .tuple(let t): items = t.items
        case .list(let l): items = l.items
        case .array(let a):
            guard let rows = a.shape.first else { throw ADLError.type("cannot unpack a 0-d array") }
            // Compare the count before building rows (an empty array's first axis may be huge).
            if rows != count {
                throw ADLError.value(rows > count ? "too many values to unpack (expected \(count), got \(rows))"
                                                  : "not enough values to unpack (expected \(count), got \(rows))")
            }
            items = try (0..<rows).map { try Indexing.row(a, $0) }
        default:
            throw ADLError.type("cannot unpack non-iterable \(v.typeName) object")
        }
        if items.count != count {
            if items.count > count {
                throw ADLError.value("too many values to unpack (expected \(count), got \(items.count))")
            }
            throw ADLError.value("not enough values to unpack (expected \(count), got \(items.count))")
        }
        return items
    }

    // MARK: - Displays

    /// `[a, b, ...]`: an array when every element is a number, bool or array
    /// of one common shape; otherwise a list.
    static func display(_ items: [Value]) throws -> Value {
        if items.isEmpty { return .array(try NDArray(shape: [0])) }
        var arrays: [NDArray] = []
        arrays.reserveCapacity(items.count)
        var allNumeric = true
        for item in items {
            switch item {
            case .float(let x): arrays.append(try NDArray(shape: [], values: [x]))
            case .int(let i): arrays.append(try NDArray(shape: [], values: [Double(i)]))
            case .bool(let b): arrays.append(try NDArray(shape: [], values: [b ? 1 : 0], isBool: true))
            case .array(let a): arrays.append(a)
            default: allNumeric = false
            }
            if !allNumeric { break }
        }
        guard allNumeric else { return .list(ListObject(items)) }
        let firstShape = arrays[0].shape
        if arrays.contains(where: { $0.shape != firstShape }) {
            // Ragged: a list, as SPEC §3 says; using it as an array names the shapes.
            return .list(ListObject(items))
        }
        return .array(try NDArray.stack(arrays))
    }
}

import Glibc

@inline(__always)
func Foundation_pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }

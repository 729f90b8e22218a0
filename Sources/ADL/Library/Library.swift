// The builtin library, registered by family. Every builtin is a Swift
// closure `(VM, Arguments) throws -> Value`; scalars in give scalars out,
// arrays in give arrays out, as NumPy does for float64.

import Glibc

public enum Library {
    /// A fresh table of every builtin, method and constant.
    public static func makeStandard() -> BuiltinTable {
        let table = BuiltinTable()
        registerCore(table)
        registerCreation(table)
        registerRandom(table)
        registerElementwise(table)
        registerReductions(table)
        registerStatistics(table)
        registerShapeAndLinearAlgebra(table)
        registerJoining(table)
        registerLinearAlgebra(table)
        registerAutodiff(table)
        registerOptimize(table)
        registerShow(table)
        registerMethods(table)
        registerIO(table)
        table.constants = [("pi", .float(Double.pi)), ("e", .float(M_E)), ("inf", .float(.infinity)),
                           ("nan", .float(.nan)), ("newaxis", .none), ("argv", .list(ListObject([])))]
        return table
    }

    // MARK: - Shared helpers

    /// Applies `f` to a scalar (giving a scalar) or to every element of an array.
    static func mapUnary(_ op: ElementwiseUnary, _ v: Value) throws -> Value {
        switch v {
        case .float(let x): return scalarResult(op.apply(x), bool: op.yieldsBool)
        case .int(let i): return scalarResult(op.apply(Double(i)), bool: op.yieldsBool)
        case .bool(let b): return scalarResult(op.apply(b ? 1 : 0), bool: op.yieldsBool)
        default: return Value.wrap(try Coerce.array(v).unary(op))
        }
    }

    static func scalarResult(_ x: Double, bool: Bool) -> Value { bool ? .bool(x != 0) : .float(x) }

    /// `op(a, b)` with broadcasting; scalars give scalars.
    static func mapBinary(_ op: ElementwiseBinary, _ a: Value, _ b: Value) throws -> Value {
        if let x = Operators.number(a), let y = Operators.number(b) {
            return scalarResult(op.apply(x, y), bool: op.yieldsBool)
        }
        if let y = Operators.number(b) {
            return Value.wrap(NDArray.binary(op, try Coerce.array(a), scalar: y, scalarOnLeft: false))
        }
        if let x = Operators.number(a) {
            return Value.wrap(NDArray.binary(op, try Coerce.array(b), scalar: x, scalarOnLeft: true))
        }
        return Value.wrap(try NDArray.binary(op, try Coerce.array(a), try Coerce.array(b)))
    }

    /// `axis=` as nil (all), or a list of axes from an int or a tuple.
    static func axes(_ v: Value?) throws -> [Int]? {
        guard let v = v.nonNone else { return nil }
        switch v {
        case .tuple(let t): return try t.items.map { try Coerce.int($0, what: "axis") }
        case .list(let l): return try l.items.map { try Coerce.int($0, what: "axis") }
        default: return [try Coerce.int(v, what: "axis")]
        }
    }

    static func bool(_ v: Value?, default dflt: Bool) throws -> Bool {
        guard let v = v.nonNone else { return dflt }
        return try Operators.truth(v)
    }
}

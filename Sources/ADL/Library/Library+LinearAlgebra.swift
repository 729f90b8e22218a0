// Linear algebra builtins beyond the products (dot and matmul live with the
// shape family): outer inner trace diagonal diag tril triu, the LAPACK-backed
// linalg.inv linalg.solve linalg.det linalg.slogdet linalg.cholesky, and
// norm / linalg.norm; the methods x.trace() and x.diagonal().

extension Library {
    static func registerLinearAlgebra(_ t: BuiltinTable) {
        t.register("outer") { _, args in
            let p = try args.bind("outer", ["a", "b"], required: 2)
            return .array(try NDArray.outer(try Coerce.array(p[0] ?? .none), try Coerce.array(p[1] ?? .none)))
        }
        t.register("inner") { _, args in
            let p = try args.bind("inner", ["a", "b"], required: 2)
            let a = p[0] ?? .none, b = p[1] ?? .none
            let x = try Coerce.array(a), y = try Coerce.array(b)
            if x.ndim == 0 || y.ndim == 0 { return try scalarDot(a, b) }
            return Value.wrap(try NDArray.inner(x, y))
        }
        for name in ["trace", "diagonal"] {
            let f = BuiltinFunction(name) { _, args in
                let p = try args.bind(name, ["a", "offset", "axis1", "axis2"], required: 1)
                let a = try Coerce.array(p[0] ?? .none)
                let offset = try p[1].nonNone.map { try Coerce.int($0, what: "offset") } ?? 0
                let axis1 = try p[2].nonNone.map { try Coerce.int($0, what: "axis1") } ?? 0
                let axis2 = try p[3].nonNone.map { try Coerce.int($0, what: "axis2") } ?? 1
                if name == "trace" {
                    return Value.wrap(try a.trace(offset: offset, axis1: axis1, axis2: axis2))
                }
                return .array(try a.diagonal(offset: offset, axis1: axis1, axis2: axis2))
            }
            t.register(name, f.body)
            t.arrayMethods[name] = f
        }
        t.register("diag") { _, args in
            let p = try args.bind("diag", ["v", "k"], required: 1)
            let k = try p[1].nonNone.map { try Coerce.int($0, what: "k") } ?? 0
            return .array(try NDArray.diag(try Coerce.array(p[0] ?? .none), k: k))
        }
        for (name, lower) in [("tril", true), ("triu", false)] {
            t.register(name) { _, args in
                let p = try args.bind(name, ["m", "k"], required: 1)
                let k = try p[1].nonNone.map { try Coerce.int($0, what: "k") } ?? 0
                return .array(try Coerce.array(p[0] ?? .none).triangle(lower: lower, k: k))
            }
        }

        // MARK: LAPACK
        t.register("linalg.inv") { _, args in
            let p = try args.bind("inv", ["a"], required: 1)
            return .array(try NDArray.inverse(try Coerce.array(p[0] ?? .none)))
        }
        t.register("linalg.solve") { _, args in
            let p = try args.bind("solve", ["a", "b"], required: 2)
            return .array(try NDArray.solve(try Coerce.array(p[0] ?? .none), try Coerce.array(p[1] ?? .none)))
        }
        t.register("linalg.det") { _, args in
            let p = try args.bind("det", ["a"], required: 1)
            return Value.wrap(try NDArray.det(try Coerce.array(p[0] ?? .none)))
        }
        t.register("linalg.slogdet") { _, args in
            let p = try args.bind("slogdet", ["a"], required: 1)
            let (sign, logabsdet) = try NDArray.slogdet(try Coerce.array(p[0] ?? .none))
            return .tuple([Value.wrap(sign), Value.wrap(logabsdet)])
        }
        t.register("linalg.cholesky") { _, args in
            let p = try args.bind("cholesky", ["a", "upper"], required: 1)
            let upper = try bool(p[1], default: false)
            return .array(try NDArray.cholesky(try Coerce.array(p[0] ?? .none), upper: upper))
        }
        for name in ["norm", "linalg.norm"] {
            t.register(name) { _, args in
                let p = try args.bind("norm", ["x", "ord", "axis", "keepdims"], required: 1)
                let x = try Coerce.array(p[0] ?? .none)
                let r = try NDArray.norm(x, ord: try normOrder(p[1]), axes: try normAxes(p[2]),
                                         keepdims: try bool(p[3], default: false))
                return Value.wrap(r)
            }
        }
    }

    /// `dot` or `inner` with a number operand, as NumPy's BLAS path computes it:
    /// bool with bool is logical; otherwise one element multiplies, and more
    /// accumulate into zeros (0 + s·x, so a -0.0 product becomes 0.0).
    static func scalarDot(_ a: Value, _ b: Value) throws -> Value {
        let x = try Coerce.array(a), y = try Coerce.array(b)
        if x.isBool && y.isBool { return Value.wrap(try NDArray.binary(.logicalAnd, x, y)) }
        let r = try NDArray.binary(.mul, x.asFloatIfBool(), y.asFloatIfBool())
        if r.count > 1 {
            for i in 0..<r.count { r.data[i] += 0 }
        }
        return Value.wrap(r)
    }

    /// `ord=` of a norm: None, a number or a string.
    static func normOrder(_ v: Value?) throws -> NDArray.NormOrder {
        guard let v = v.nonNone else { return .absent }
        if case .string(let s) = v { return .name(s.value) }
        if let x = Operators.number(v) { return .number(x) }
        if case .array(let a) = v, a.ndim == 0 { return .number(a.data[0]) }
        throw ADLError.type("norm order must be None, a number or a string, not '\(v.typeName)'")
    }

    /// `axis=` of a norm: None, an integer or a tuple of integers (NumPy refuses lists).
    static func normAxes(_ v: Value?) throws -> [Int]? {
        guard let v = v.nonNone else { return nil }
        switch v {
        case .tuple(let t): return try t.items.map { try Coerce.int($0, what: "axis") }
        case .int, .float, .bool: return [try Coerce.int(v, what: "axis")]
        default: throw ADLError.type("'axis' must be None, an integer or a tuple of integers")
        }
    }
}

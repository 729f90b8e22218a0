// Statistics and ML reductions: std var (ddof=), cumsum cumprod, logsumexp
// (SciPy's), softmax log_softmax (jax.nn's), sigmoid (expit), and the array
// methods x.std() x.var() x.cumsum() x.cumprod(). The kernels live in
// NDArray+Statistics.swift.

extension Library {
    static func registerStatistics(_ t: BuiltinTable) {
        for (name, isStd) in [("std", true), ("var", false)] {
            t.register(name) { _, args in
                // NumPy's parameters in NumPy's order, so that positional arguments mean the same.
                let p = try args.bind(name, ["a", "axis", "dtype", "out", "ddof", "keepdims"], required: 1)
                try refuseDtypeAndOut(name, p[2], p[3])
                let a = try Coerce.array(p[0] ?? .none)
                let ddof = try p[4].nonNone.map { try Coerce.double($0, what: "ddof") } ?? 0
                let axes = try self.axes(p[1]), keep = try bool(p[5], default: false)
                let r = isStd ? try a.standardDeviation(axes: axes, ddof: ddof, keepdims: keep)
                              : try a.variance(axes: axes, ddof: ddof, keepdims: keep)
                return Value.wrap(r)
            }
        }
        for (name, kind) in [("cumsum", NDArray.Accumulation.sum), ("cumprod", .prod)] {
            t.register(name) { _, args in
                let p = try args.bind(name, ["a", "axis", "dtype", "out"], required: 1)
                try refuseDtypeAndOut(name, p[2], p[3])
                let axis = try singleAxis(p[1])
                return .array(try Coerce.array(p[0] ?? .none).accumulate(kind, axis: axis))
            }
        }
        t.register("logsumexp") { _, args in
            let p = try args.bind("logsumexp", ["a", "axis", "keepdims"], required: 1)
            let a = try Coerce.array(p[0] ?? .none)
            return Value.wrap(try a.logSumExp(axes: try axes(p[1]), keepdims: try bool(p[2], default: false)))
        }
        for (name, isLog) in [("softmax", false), ("log_softmax", true)] {
            t.register(name) { _, args in
                let p = try args.bind(name, ["x", "axis"], required: 1)
                let x = try Coerce.array(p[0] ?? .none)
                // axis defaults to -1 (jax.nn); an explicit None means every axis.
                let axes = p[1] == nil ? [-1] : try self.axes(p[1])
                return Value.wrap(isLog ? try x.logSoftmax(axes: axes) : try x.softmax(axes: axes))
            }
        }
        t.register("sigmoid") { _, args in
            let x = try args.bind("sigmoid", ["x"], required: 1)[0] ?? .none
            if let v = Operators.number(x) { return .float(NDArray.sigmoid(v)) }
            return Value.wrap(try Coerce.array(x).sigmoid())
        }
        for name in ["std", "var", "cumsum", "cumprod"] {
            if let f = t.function(named: name) { t.arrayMethods[name] = f }
        }
    }

    /// NumPy's `dtype=` and `out=`, which ADL has no use for: arrays are float64
    /// values. Only None is accepted.
    static func refuseDtypeAndOut(_ function: String, _ dtype: Value?, _ out: Value?) throws {
        if dtype.nonNone != nil {
            throw ADLError.argument("\(function)() does not take dtype= in ADL: arrays are always float64")
        }
        if out.nonNone != nil {
            throw ADLError.argument("\(function)() does not take out= in ADL: arrays are values, results are new arrays")
        }
    }

    /// `axis=` of a function that takes one axis or None (cumsum): a tuple is
    /// NumPy's type error.
    static func singleAxis(_ v: Value?) throws -> Int? {
        guard let v = v.nonNone else { return nil }
        switch v {
        case .tuple, .list:
            throw ADLError.type("'\(v.typeName)' object cannot be interpreted as an integer")
        default:
            return try Coerce.int(v, what: "axis")
        }
    }
}

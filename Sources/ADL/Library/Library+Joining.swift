// Shape functions that move or replicate elements: expand_dims squeeze
// swapaxes flip concatenate stack hstack vstack broadcast_to tile repeat pad,
// and the array methods x.squeeze() x.repeat() x.swapaxes(). The kernels live
// in NDArray+Joining.swift.

extension Library {
    static func registerJoining(_ t: BuiltinTable) {
        t.register("expand_dims") { _, args in
            let p = try args.bind("expand_dims", ["a", "axis"], required: 2)
            guard let axes = try axes(p[1]) else {
                throw ADLError.type("expand_dims() axis must be an int or a tuple of ints, not 'NoneType'")
            }
            return .array(try Coerce.array(p[0] ?? .none).expandingDims(axes))
        }
        t.register("squeeze") { _, args in
            let p = try args.bind("squeeze", ["a", "axis"], required: 1)
            return Value.wrap(try Coerce.array(p[0] ?? .none).squeezed(try axes(p[1])))
        }
        t.register("swapaxes") { _, args in
            let p = try args.bind("swapaxes", ["a", "axis1", "axis2"], required: 3)
            let a = try Coerce.array(p[0] ?? .none)
            let first = try Coerce.int(p[1] ?? .none, what: "axis1"), second = try Coerce.int(p[2] ?? .none, what: "axis2")
            return Value.wrap(try a.swappingAxes(first, second))
        }
        t.register("flip") { _, args in
            let p = try args.bind("flip", ["m", "axis"], required: 1)
            return Value.wrap(try Coerce.array(p[0] ?? .none).flipped(try axes(p[1])))
        }
        t.register("concatenate") { _, args in
            let p = try args.bind("concatenate", ["arrays", "axis"], required: 1)
            // axis defaults to 0; an explicit None flattens.
            let axis = p[1] == nil ? 0 : try singleAxis(p[1])
            return .array(try NDArray.concatenate(try joinInput(p[0] ?? .none, "concatenate"), axis: axis))
        }
        t.register("stack") { _, args in
            let p = try args.bind("stack", ["arrays", "axis"], required: 1)
            let axis = try Coerce.int(p[1] ?? .int(0), what: "axis")
            return .array(try NDArray.stack(try joinInput(p[0] ?? .none, "stack"), axis: axis))
        }
        t.register("hstack") { _, args in
            let p = try args.bind("hstack", ["tup"], required: 1)
            return .array(try NDArray.hstack(try joinInput(p[0] ?? .none, "hstack")))
        }
        t.register("vstack") { _, args in
            let p = try args.bind("vstack", ["tup"], required: 1)
            return .array(try NDArray.vstack(try joinInput(p[0] ?? .none, "vstack")))
        }
        t.register("broadcast_to") { _, args in
            let p = try args.bind("broadcast_to", ["array", "shape"], required: 2)
            let a = try Coerce.array(p[0] ?? .none)
            return Value.wrap(try a.broadcastTo(try Coerce.shape(p[1] ?? .none)))
        }
        t.register("tile") { _, args in
            let p = try args.bind("tile", ["A", "reps"], required: 2)
            let a = try Coerce.array(p[0] ?? .none)
            return Value.wrap(try a.tiled(try Coerce.shape(p[1] ?? .none, what: "reps")))
        }
        t.register("repeat") { _, args in
            let p = try args.bind("repeat", ["a", "repeats", "axis"], required: 2)
            let a = try Coerce.array(p[0] ?? .none)
            return .array(try a.repeated(try repeats(p[1] ?? .none), axis: try singleAxis(p[2])))
        }
        t.register("pad") { _, args in
            // constant_values is keyword-only, as in NumPy.
            if args.positional.count > 3 {
                throw ADLError.argument("pad() takes from 2 to 3 positional arguments but \(args.positional.count) were given")
            }
            let p = try args.bind("pad", ["array", "pad_width", "mode", "constant_values"], required: 2)
            let a = try Coerce.array(p[0] ?? .none)
            let mode = try padMode(p[2].nonNone)
            if mode != .constant, p[3].nonNone != nil {
                throw ADLError.argument("unsupported keyword arguments for mode '\(mode.rawValue)': {'constant_values'}")
            }
            let widths = try pairs(p[1] ?? .none, ndim: a.ndim, asIndex: true).map { (Int($0.0), Int($0.1)) }
            let constants = try pairs(p[3].nonNone ?? .int(0), ndim: a.ndim, asIndex: false)
            return Value.wrap(try a.padded(widths.map { (before: $0.0, after: $0.1) }, mode: mode,
                                           constants: constants.map { (before: $0.0, after: $0.1) }))
        }
        for name in ["squeeze", "repeat", "swapaxes"] {
            if let f = t.function(named: name) { t.arrayMethods[name] = f }
        }
    }

    /// The arrays argument of a join: a list or tuple of arrays, or an array
    /// (whose rows are the parts, as NumPy iterates it).
    static func joinInput(_ v: Value, _ function: String) throws -> NDArray.JoinInput {
        switch v {
        case .array(let a) where a.ndim >= 1: return .rows(a)
        case .list(let l): return .arrays(try l.items.map { try Coerce.array($0) })
        case .tuple(let t): return .arrays(try t.items.map { try Coerce.array($0) })
        default:
            throw ADLError.type("\(function)() argument must be a sequence of arrays, not '\(v.typeName)'")
        }
    }

    /// `repeats` of `repeat`: one count, or one per element along the axis.
    static func repeats(_ v: Value) throws -> [Int] {
        if Operators.number(v) != nil { return [try Coerce.int(v, what: "repeats")] }
        let r = try Coerce.array(v, what: "repeats")
        guard r.ndim <= 1 else { throw ADLError.value("object too deep for desired array") }
        var counts = [Int](repeating: 0, count: r.count)
        let values = r.data
        for i in 0..<r.count {
            let x = values[i]
            // The check of Coerce.int inline (it runs once per element); its error when it fails.
            if abs(x) < 9.2e18, Double(Int(x)) == x {
                counts[i] = Int(x)
            } else {
                counts[i] = try Coerce.int(.float(x), what: "repeats")
            }
        }
        return counts
    }

    /// `mode` of `pad`: one of the modes ADL implements.
    static func padMode(_ v: Value?) throws -> NDArray.PadMode {
        guard let v = v else { return .constant }
        let name = try Coerce.string(v, what: "mode")
        if let mode = NDArray.PadMode(rawValue: name) { return mode }
        if ["empty", "linear_ramp", "maximum", "mean", "median", "minimum"].contains(name) {
            let known = NDArray.PadMode.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw ADLError.value("mode '\(name)' is not supported by ADL's pad (it has \(known))")
        }
        throw ADLError.value("mode '\(name)' is not supported")
    }

    /// NumPy's `_as_pairs`: a (before, after) pair per axis from one number,
    /// one pair, or per-axis pairs (broadcast to (ndim, 2)). Widths
    /// (`asIndex`) must be integral and non-negative.
    static func pairs(_ v: Value, ndim: Int, asIndex: Bool) throws -> [(Double, Double)] {
        let x = try Coerce.array(v, what: asIndex ? "pad_width" : "constant_values")
        let values = x.values
        if asIndex && (values.isEmpty || values.contains { $0 != $0.rounded() || !$0.isFinite }) {
            throw ADLError.type("`pad_width` must be of integral type.")
        }
        if asIndex, let huge = values.first(where: { $0 > Double(NDArray.maxElements) }) {
            throw ADLError.memory("pad width \(Formatting.repr(.float(huge))) exceeds the allocation limit of \(NDArray.maxElements) elements")
        }
        func checked(_ xs: [Double]) throws {
            if asIndex && xs.contains(where: { $0 < 0 }) { throw ADLError.value("index can't contain negative values") }
        }
        if x.ndim < 3 && x.count == 1 {
            try checked(values)
            return Array(repeating: (values[0], values[0]), count: ndim)
        }
        if x.ndim < 3 && x.count == 2 && x.shape != [2, 1] {
            try checked(values)
            return Array(repeating: (values[0], values[1]), count: ndim)
        }
        try checked(values)
        let b = try x.broadcastTo([ndim, 2])
        return (0..<ndim).map { (b.data[2 * $0], b.data[2 * $0 + 1]) }
    }
}

// Elementwise functions (SPEC §7): every `ElementwiseUnary` and
// `ElementwiseBinary` under its NumPy name, plus where, clip and round.

extension Library {
    static func registerElementwise(_ t: BuiltinTable) {
        let unaryNames: [(String, ElementwiseUnary)] = [
            ("abs", .abs), ("absolute", .abs), ("fabs", .abs), ("sign", .sign), ("sqrt", .sqrt), ("square", .square),
            ("exp", .exp), ("exp2", .exp2), ("expm1", .expm1), ("log", .log), ("log2", .log2),
            ("log10", .log10), ("log1p", .log1p), ("sin", .sin), ("cos", .cos), ("tan", .tan),
            ("arcsin", .arcsin), ("arccos", .arccos), ("arctan", .arctan), ("sinh", .sinh),
            ("cosh", .cosh), ("tanh", .tanh), ("arcsinh", .arcsinh), ("arccosh", .arccosh),
            ("arctanh", .arctanh), ("floor", .floor), ("ceil", .ceil), ("isnan", .isnan),
            ("isinf", .isinf), ("isfinite", .isfinite), ("logical_not", .logicalNot), ("negative", .neg),
            ("positive", .pos),
        ]
        for (name, op) in unaryNames {
            t.register(name) { _, args in
                let p = try args.bind(name, ["x"], required: 1)
                let v = try operand(p[0], name)
                // abs of an int stays an int, as Python's abs (fabs gives a float).
                if op == .abs, name != "fabs", case .int(let i) = v {
                    if i == Int.min { throw ADLError(.overflow, "integer overflow in abs(\(i))") }
                    return .int(Swift.abs(i))
                }
                // NumPy negates an int as an int: negative(0) is 0.0, not -0.0.
                if op == .neg, case .int(let i) = v { return .float(0 - Double(i)) }
                if isBool(v), let same = try boolUnary(op, name: name, v) { return same }
                return try mapUnary(op, v)
            }
        }
        t.register("round") { _, args in
            let p = try args.bind("round", ["a", "decimals"], required: 1)
            let decimals = try p[1].nonNone.map { try Coerce.int($0, what: "decimals") } ?? 0
            let v = try operand(p[0], "round")
            if decimals == 0 { return try mapUnary(.round, v) }
            // NumPy: rint(x * 10**d) / 10**d, or rint(x / 10**-d) * 10**-d for d < 0,
            // with NumPy's power of ten (so round(1e300, 9) is inf, round(x, 400) nan).
            let scale = Value.float(numpyPowerOfTen(decimals.magnitude))
            if decimals > 0 {
                return try mapBinary(.div, try mapUnary(.round, try mapBinary(.mul, v, scale)), scale)
            }
            return try mapBinary(.mul, try mapUnary(.round, try mapBinary(.div, v, scale)), scale)
        }
        let binaryNames: [(String, ElementwiseBinary)] = [
            ("maximum", .maximum), ("minimum", .minimum), ("arctan2", .arctan2), ("hypot", .hypot),
            ("logaddexp", .logaddexp), ("power", .pow), ("add", .add), ("subtract", .sub),
            ("multiply", .mul), ("divide", .div), ("true_divide", .div), ("floor_divide", .floorDiv),
            ("mod", .mod), ("remainder", .mod), ("less", .lt), ("less_equal", .le), ("greater", .gt),
            ("greater_equal", .ge), ("equal", .eq), ("not_equal", .ne), ("logical_and", .logicalAnd),
            ("logical_or", .logicalOr), ("logical_xor", .logicalXor),
        ]
        for (name, op) in binaryNames {
            t.register(name) { _, args in
                let p = try args.bind(name, ["x1", "x2"], required: 2)
                let a = try operand(p[0], name), b = try operand(p[1], name)
                if isBool(a) && isBool(b) { return try mapBinary(try boolBinary(op), a, b) }
                // power of two numbers: NumPy's loop with a broadcast exponent (power(-0.0, 0.5) is -0.0).
                if op == .pow, let x = Operators.number(a), let y = Operators.number(b) {
                    return .float(numpyPower(x, y))
                }
                return try mapBinary(op, a, b)
            }
        }
        t.register("where") { _, args in
            let p = try args.bind("where", ["condition", "x", "y"], required: 3)
            let c = try Coerce.array(p[0] ?? .none, what: "where() argument 'condition'")
            let x = try Coerce.array(p[1] ?? .none, what: "where() argument 'x'")
            let y = try Coerce.array(p[2] ?? .none, what: "where() argument 'y'")
            guard let shape = try? NDArray.broadcastShapes(try NDArray.broadcastShapes(c.shape, x.shape), y.shape) else {
                throw ADLError.shape("operands could not be broadcast together with shapes "
                    + [c.shape, x.shape, y.shape].map(formatShape).joined(separator: " "))
            }
            let out = try NDArray(uninitializedShape: shape, isBool: x.isBool && y.isBool)
            // An operand of the result's shape is read in place, one element is repeated
            // (step 0); only a partial broadcast is copied out first.
            func source(_ a: NDArray) throws -> (NDArray, Int) {
                if a.count == 1 { return (a, 0) }
                return (a.shape == shape ? a : try a.broadcast(to: shape), 1)
            }
            let (cb, sc) = try source(c), (xb, sx) = try source(x), (yb, sy) = try source(y)
            let cd = cb.data, xd = xb.data, yd = yb.data, o = out.data
            for i in 0..<out.count { o[i] = cd[i * sc] != 0 ? xd[i * sx] : yd[i * sy] }
            return Value.wrap(out)
        }
        t.register("clip") { _, args in
            let p = try args.bind("clip", ["a", "a_min", "a_max"], required: 3)
            let v = try operand(p[0], "clip")
            let lo = try p[1].nonNone.map { try operand($0, "clip") }
            let hi = try p[2].nonNone.map { try operand($0, "clip") }
            // Bounds constant over the whole loop (numbers, or one-element arrays broadcast over
            // a bigger a): NumPy's loop for that case (ties keep the element's own zero sign;
            // a_min > a_max gives a_max; nan anywhere gives nan).
            if let lo, let hi {
                if let x = Operators.number(v), let l = Operators.number(lo), let h = Operators.number(hi) {
                    return .float(numpyClip(x, l, h))
                }
                let a = try Coerce.array(v)
                if let (l, lShape) = constantBound(lo, over: a), let (h, hShape) = constantBound(hi, over: a) {
                    let shape = try NDArray.broadcastShapes(NDArray.broadcastShapes(a.shape, lShape), hShape)
                    let clipped = a.clipped(l, h)
                    return Value.wrap(shape == a.shape ? clipped : try clipped.reshaped(shape))
                }
            }
            // Otherwise np.maximum then np.minimum, elementwise with broadcasting.
            var result = v
            if let lo { result = try mapBinary(.maximum, result, lo) }
            if let hi { result = try mapBinary(.minimum, result, hi) }
            return result
        }
    }
}

extension Library {
    /// An argument of an elementwise function as a number or an array (a list or tuple
    /// display becomes an array); anything else is a type error naming the function.
    static func operand(_ v: Value?, _ function: String) throws -> Value {
        let v = v ?? .none
        switch v {
        case .float, .int, .bool, .array: return v
        default: return .array(try Coerce.array(v, what: "\(function)() argument"))
        }
    }
}

/// True for a bool or a bool array.
private func isBool(_ v: Value) -> Bool {
    switch v {
    case .bool: return true
    case .array(let a): return a.isBool
    default: return false
    }
}

/// NumPy's unary ufuncs on bools: abs, floor and ceil give the bools back (nil: compute as
/// floats, 0 and 1); negative, positive and sign have no bool loop.
private func boolUnary(_ op: ElementwiseUnary, name: String, _ v: Value) throws -> Value? {
    switch op {
    case .abs where name != "fabs", .floor, .ceil:
        return v
    case .neg:
        throw ADLError.type("the numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead")
    case .pos, .sign:
        throw ADLError.type("ufunc '\(op.name)' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None")
    default:
        return nil
    }
}

/// The operation NumPy performs on two bools: add and maximum are logical or, multiply
/// and minimum logical and (bool results, like the operators); subtract is refused.
private func boolBinary(_ op: ElementwiseBinary) throws -> ElementwiseBinary {
    switch op {
    case .add, .maximum: return .logicalOr
    case .mul, .minimum: return .logicalAnd
    case .sub:
        throw ADLError.type("numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead")
    default: return op
    }
}

/// A clip bound that is one value for every element of `a`, with its shape:
/// a number, or a one-element array when `a` has several elements.
private func constantBound(_ v: Value, over a: NDArray) -> (Double, [Int])? {
    if let d = Operators.number(v) { return (d, []) }
    if case .array(let b) = v, b.count == 1, a.count > 1 { return (b.data[0], b.shape) }
    return nil
}

/// NumPy's power of ten for `round`: exact up to 1e8, then repeated
/// multiplication by ten from 1e9 (not pow: the two differ from 1e25 on).
func numpyPowerOfTen(_ n: UInt) -> Double {
    let exact: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]
    if n < 9 { return exact[Int(n)] }
    var result = 1e9
    var k = n
    while k > 9 && result.isFinite {
        result *= 10
        k -= 1
    }
    return result
}

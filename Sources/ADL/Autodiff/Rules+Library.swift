// Gradient rules for the statistics, joining and linear-algebra builtins.
// Same conventions as Rules.swift: `g` is the cotangent of the result, each
// rule returns one cotangent per operand (nil for operands without one).

enum RulesLibrary {
    /// The cotangents for builtin `name`, or nil when it has no rule here.
    static func call(_ name: String, _ x: [Value], _ named: [String: Value], keywords: [String],
                     out: Value, g: Value, ops: GradientOps) throws -> Rules.Cotangents? {
        var none = [Value?](repeating: nil, count: x.count + keywords.count)
        /// Argument `i` given positionally, or by `key`.
        func arg(_ i: Int, _ key: String) -> Value? {
            if i < x.count { return Rules.isNone(x[i]) ? nil : x[i] }
            if let v = named[key], !Rules.isNone(v) { return v }
            return nil
        }
        func one(_ d: Value) throws -> Rules.Cotangents {
            none[0] = try ops.sumTo(d, ops.shape(x[0]))
            return none
        }
        func int(_ v: Value?, _ dflt: Int) throws -> Int {
            guard let v else { return dflt }
            return try Coerce.int(Trace.concrete(v), what: "argument")
        }
        let a = x.first ?? .none
        let shape = ops.shape(a)
        switch name {
        case "std", "var":
            // var = Σ(a - mean)² / (n - ddof): d var = 2 (a - mean) / (n - ddof); std = sqrt(var).
            let axis = arg(1, "axis"), ddof = try int(arg(4, "ddof"), 0), keep = arg(5, "keepdims")
            let n = Double(Swift.max(1, Rules.sizeOf(a) / Swift.max(1, Rules.sizeOf(out))))
            let mean = try ops.call("mean", [a], [("axis", axis ?? .none), ("keepdims", .bool(true))])
            let centered = try ops.sub(a, mean)
            var gv = g
            if name == "std" {
                // d std = d var / (2 std), and 0 where std = 0 (all elements equal), as norm at the origin.
                gv = try divideOrZero(g, by: out, times: 2, ops: ops)
            }
            let d = try Rules.expandReduced(gv, input: a, axis: axis, keepdims: keep, ops: ops)
            return try one(ops.mul(d, ops.mul(centered, (2 / (n - Double(ddof))).value)))
        case "cumsum":
            // The reverse cumulative sum of g along the axis.
            let axisValue = arg(1, "axis")
            if axisValue == nil {
                let flat = try reverseCumsum(g, axis: 0, ops: ops)
                return try one(ops.call("reshape", [flat, ops.shapeValue(shape)]))
            }
            return try one(reverseCumsum(g, axis: try int(axisValue, 0), ops: ops))
        case "cumprod":
            // d cumprod = revcumsum(g * out) / a (autograd's rule; undefined at zeros).
            let axisValue = arg(1, "axis")
            let weighted = try ops.mul(g, out)
            if axisValue == nil {
                let flat = try reverseCumsum(weighted, axis: 0, ops: ops)
                return try one(ops.div(ops.call("reshape", [flat, ops.shapeValue(shape)]), a))
            }
            return try one(ops.div(reverseCumsum(weighted, axis: try int(axisValue, 0), ops: ops), a))
        case "logsumexp":
            // d lse = g e^(a - lse)
            let axis = arg(1, "axis"), keep = arg(2, "keepdims")
            let o = try Rules.expandReduced(out, input: a, axis: axis, keepdims: keep, ops: ops)
            let d = try Rules.expandReduced(g, input: a, axis: axis, keepdims: keep, ops: ops)
            return try one(ops.mul(d, ops.call("exp", [ops.sub(a, o)])))
        case "softmax":
            // d s = s (g - Σ g s)
            let axis = arg(1, "axis") ?? .int(-1)
            let inner = try ops.call("sum", [ops.mul(g, out)], [("axis", axis), ("keepdims", .bool(true))])
            return try one(ops.mul(out, ops.sub(g, inner)))
        case "log_softmax":
            // d log s = g - e^(log s) Σ g
            let axis = arg(1, "axis") ?? .int(-1)
            let total = try ops.call("sum", [g], [("axis", axis), ("keepdims", .bool(true))])
            return try one(ops.sub(g, ops.mul(ops.call("exp", [out]), total)))
        case "sigmoid":
            // σ' = σ (1 - σ)
            return try one(ops.mul(g, ops.mul(out, ops.sub(1.0.value, out))))
        case "expand_dims", "squeeze", "atleast_1d":
            return try one(ops.call("reshape", [g, ops.shapeValue(shape)]))
        case "flip":
            if let axis = arg(1, "axis") { return try one(ops.call("flip", [g, axis])) }
            return try one(ops.call("flip", [g]))
        case "swapaxes":
            return try one(ops.call("swapaxes", [g, x[1], x[2]]))
        case "concatenate", "hstack", "vstack", "stack":
            return try joining(name, x, arg: arg, g: g, ops: ops, none: none)
        case "tile":
            // Each tile's cotangent adds up: sum over the repetition axes.
            let reps = try Coerce.shape(Trace.concrete(x[1]), what: "reps")
            let n = Swift.max(reps.count, shape.count)
            let s = [Int](repeating: 1, count: n - shape.count) + shape
            let r = [Int](repeating: 1, count: n - reps.count) + reps
            var split: [Int] = []
            for i in 0..<n { split += [r[i], s[i]] }
            let d = try ops.call("sum", [ops.call("reshape", [g, ops.shapeValue(split)])],
                                 [("axis", .tuple(TupleObject((0..<n).map { .int(2 * $0) })))])
            none[0] = try ops.call("reshape", [d, ops.shapeValue(shape)])
            return none
        case "repeat":
            let repeats = Trace.concrete(x[1])
            let axisValue = arg(2, "axis")
            let flat = axisValue == nil
            let source: [Int] = flat ? [Rules.sizeOf(a)] : shape
            var axis = flat ? 0 : try int(axisValue, 0)
            if axis < 0 { axis += source.count }
            guard axis >= 0, axis < source.count else { return nil }
            if case .int(let r) = repeats {
                var split = source
                split[axis] = r
                split.insert(source[axis], at: axis)
                let d = try ops.call("sum", [ops.call("reshape", [g, ops.shapeValue(split)])], [("axis", .int(axis + 1))])
                none[0] = try ops.call("reshape", [d, ops.shapeValue(shape)])
                return none
            }
            // Uneven repeats: element i went to the positions repeat(arange(n), repeats).
            let positions = try ops.call("repeat", [.array(try NDArray.arange(start: 0, stop: Double(source[axis]), step: 1)), repeats])
            let index: [Value] = Array(repeating: .slice(SliceObject(start: .none, stop: .none, step: .none)), count: axis) + [positions]
            let d = try ops.call("index_add", [ops.call("zeros", [ops.shapeValue(source)]), .tuple(TupleObject(index)), g])
            none[0] = try ops.call("reshape", [d, ops.shapeValue(shape)])
            return none
        case "pad":
            // The cotangent of the padded array, cropped back.
            if let mode = arg(2, "mode"), case .string(let m) = Trace.concrete(mode), m.value != "constant" {
                throw ADLError(.notImplemented, "differentiating pad(mode='\(m.value)') is not supported yet")
            }
            let outShape = ops.shape(out)
            var index: [Value] = []
            for (i, n) in shape.enumerated() {
                let before = Swift.min(padBefore(x[1], axis: i, ndim: shape.count), outShape[i] - n)
                index.append(.slice(SliceObject(start: .int(before), stop: .int(before + n), step: .none)))
            }
            none[0] = try ops.vm.getIndex(g, index)
            return none
        case "trace":
            // d tr(A) = g I (on the offset diagonal)
            let offset = try int(arg(1, "offset"), 0)
            guard shape.count == 2 else { return nil }
            return try one(ops.mul(g, ops.call("eye", [.int(shape[0]), .int(shape[1])], [("k", .int(offset))])))
        case "diag", "diagonal":
            let k = try int(arg(1, name == "diag" ? "k" : "offset"), 0)
            if shape.count == 1 {
                return try one(ops.call("diag", [g], [("k", .int(k))]))
            }
            guard shape.count == 2 else { return nil }
            // g on the k-th diagonal of an (n, m) matrix of zeros: eye(n, m, k) times g
            // placed at its columns (padded to length m), broadcast down the rows.
            let len = ops.shape(out).first ?? 0
            let start = Swift.max(k, 0)
            let row = try ops.call("pad", [g, .tuple(TupleObject([.int(start), .int(Swift.max(0, shape[1] - len - start))]))])
            none[0] = try ops.mul(ops.call("eye", [.int(shape[0]), .int(shape[1])], [("k", .int(k))]), row)
            return none
        case "tril", "triu":
            let k = try int(arg(1, "k"), 0)
            return try one(ops.call(name, [g], [("k", .int(k))]))
        case "inner":
            let sa = ops.shape(x[0]), sb = ops.shape(x[1])
            if sa.count <= 1 && sb.count <= 1 {
                return [try ops.sumTo(ops.mul(g, x[1]), sa), try ops.sumTo(ops.mul(g, x[0]), sb)]
            }
            guard sa.count == 2, sb.count == 2 else { return nil }
            return [try ops.binary(.matmul, g, x[1]), try ops.binary(.matmul, ops.call("transpose", [g]), x[0])]
        case "linalg.inv":
            // d A⁻¹ = -A⁻ᵀ g A⁻ᵀ
            let t = try ops.call("swapaxes", [out, .int(-1), .int(-2)])
            return try one(ops.neg(ops.binary(.matmul, ops.binary(.matmul, t, g), t)))
        case "linalg.solve":
            // x = A⁻¹ b: d b = A⁻ᵀ g, d A = -(d b) xᵀ
            let at = try ops.call("swapaxes", [x[0], .int(-1), .int(-2)])
            let gb = try ops.call("linalg.solve", [at, g])
            let ga: Value
            if ops.shape(x[1]).count == 1 { ga = try ops.neg(ops.call("outer", [gb, out])) }
            else { ga = try ops.neg(ops.binary(.matmul, gb, ops.call("swapaxes", [out, .int(-1), .int(-2)]))) }
            return [ga, gb]
        case "linalg.det":
            // d det A = det A · A⁻ᵀ
            let inv = try ops.call("swapaxes", [ops.call("linalg.inv", [a]), .int(-1), .int(-2)])
            return try one(ops.mul(ops.mul(g, out), inv))
        case "linalg.slogdet":
            // d log|det A| = A⁻ᵀ; the sign has no derivative.
            guard case .tuple(let t) = g, t.items.count == 2 else { return nil }
            if case .none = t.items[1] { return none }
            let inv = try ops.call("swapaxes", [ops.call("linalg.inv", [a]), .int(-1), .int(-2)])
            return try one(ops.mul(t.items[1], inv))
        case "linalg.cholesky":
            // A = L Lᵀ: S = L⁻ᵀ Φ(Lᵀ g) L⁻¹ with Φ = lower triangle, diagonal halved; d A = (S + Sᵀ) / 2.
            guard shape.count == 2 else { return nil }
            let lt = try ops.call("transpose", [out])
            let p = try ops.binary(.matmul, lt, g)
            let phi = try ops.sub(ops.call("tril", [p]), ops.mul(0.5.value, ops.mul(ops.call("eye", [.int(shape[0])]), p)))
            let linv = try ops.call("linalg.inv", [out])
            let sMat = try ops.binary(.matmul, ops.binary(.matmul, ops.call("transpose", [linv]), phi), linv)
            return try one(ops.mul(0.5.value, ops.add(sMat, ops.call("transpose", [sMat]))))
        case "norm", "linalg.norm":
            return try norm(x, arg: arg, out: out, g: g, ops: ops, none: none)
        default:
            return nil
        }
    }

    /// num / (k den), and exactly 0 where den is 0 (no nan from the division:
    /// the gradients of norm at the origin and of std of constant input).
    static func divideOrZero(_ num: Value, by den: Value, times k: Double, ops: GradientOps) throws -> Value {
        let zero = try ops.binary(.equal, den, 0.0.value)
        let safe = try ops.call("where", [zero, 1.0.value, den])
        return try ops.call("where", [zero, 0.0.value, ops.div(num, ops.mul(k.value, safe))])
    }

    /// flip(cumsum(flip(g, axis), axis), axis).
    static func reverseCumsum(_ g: Value, axis: Int, ops: GradientOps) throws -> Value {
        let flipped = try ops.call("flip", [g], [("axis", .int(axis))])
        return try ops.call("flip", [ops.call("cumsum", [flipped], [("axis", .int(axis))])], [("axis", .int(axis))])
    }

    static func padBefore(_ width: Value, axis: Int, ndim: Int) -> Int {
        let w = Trace.concrete(width)
        func ints(_ v: Value) -> [Int] {
            switch v {
            case .int(let i): return [i]
            case .float(let f): return [Int(f)]
            case .tuple(let t): return t.items.flatMap { ints($0) }
            case .list(let l): return l.items.flatMap { ints($0) }
            case .array(let a): return (0..<a.count).map { Int(a.data[$0]) }
            default: return [0]
            }
        }
        let flat = ints(w)
        if flat.count == 1 { return flat[0] }
        if flat.count == 2 { return flat[0] }
        return 2 * axis < flat.count ? flat[2 * axis] : 0
    }

    /// concatenate, hstack, vstack, stack: g split back into the pieces.
    static func joining(_ name: String, _ x: [Value], arg: (Int, String) -> Value?, g: Value, ops: GradientOps,
                        none: [Value?]) throws -> Rules.Cotangents? {
        var out = none
        let items: [Value]
        var isTuple = false
        switch x[0] {
        case .tuple(let t): items = t.items; isTuple = true
        case .list(let l): items = l.items
        case .array(let a):
            items = try (0..<(a.shape.first ?? 0)).map { try ops.vm.getIndex(x[0], [.int($0)]) }
        default: return nil
        }
        guard let first = items.first else { return none }
        let firstShape = ops.shape(first)
        var axis: Int
        switch name {
        case "stack": axis = try Coerce.int(Trace.concrete(arg(1, "axis") ?? .int(0)), what: "axis")
        case "hstack": axis = firstShape.count <= 1 ? 0 : 1
        case "vstack": axis = 0
        default: axis = try Coerce.int(Trace.concrete(arg(1, "axis") ?? .int(0)), what: "axis")
        }
        let gRank = ops.shape(g).count
        if axis < 0 { axis += gRank }
        var pieces: [Value] = []
        var start = 0
        let all = Value.slice(SliceObject(start: .none, stop: .none, step: .none))
        for item in items {
            let s = ops.shape(item)
            var index = [Value](repeating: all, count: axis)
            if name == "stack" {
                index.append(.int(start))
                start += 1
            } else {
                let width = name == "vstack" && s.count <= 1 ? 1 : (s.count > axis ? s[axis] : 1)
                index.append(.slice(SliceObject(start: .int(start), stop: .int(start + width), step: .none)))
                start += width
            }
            var piece = try ops.vm.getIndex(g, index)
            if ops.shape(piece) != s { piece = try ops.call("reshape", [piece, ops.shapeValue(s)]) }
            pieces.append(piece)
        }
        if isTuple { out[0] = .tuple(TupleObject(pieces)) } else {
            out[0] = try ops.vm.display(pieces)
        }
        return out
    }

    /// The norm's gradient, zero at the origin (SPEC §8).
    static func norm(_ x: [Value], arg: (Int, String) -> Value?, out: Value, g: Value, ops: GradientOps,
                     none: [Value?]) throws -> Rules.Cotangents? {
        var c = none
        let a = x[0]
        let ord = arg(1, "ord").map { Trace.concrete($0) }
        let axis = arg(2, "axis"), keep = arg(3, "keepdims")
        let o = try Rules.expandReduced(out, input: a, axis: axis, keepdims: keep, ops: ops)
        let d = try Rules.expandReduced(g, input: a, axis: axis, keepdims: keep, ops: ops)
        var isTwo = ord == nil
        if let ord {
            switch ord {
            case .string(let s) where s.value == "fro": isTwo = true
            case .int(2), .float(2): isTwo = ops.shape(a).count == 1 || axis.map { Rules.sizeOf(Trace.concrete($0)) == 1 } == true
            case .int(1), .float(1):
                if ops.shape(a).count == 1 || axis != nil && ops.shape(Trace.concrete(axis!)).isEmpty {
                    c[0] = try ops.mul(d, ops.call("sign", [a]))
                    return c
                }
            default: break
            }
        }
        guard isTwo else {
            throw ADLError(.notImplemented, "differentiating norm with ord=\(Formatting.repr(ord ?? .none)) is not supported yet")
        }
        // d |a| = a / |a|, and 0 where |a| = 0.
        c[0] = try divideOrZero(ops.mul(d, a), by: o, times: 1, ops: ops)
        return c
    }
}

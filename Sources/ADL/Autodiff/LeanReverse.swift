// The first call's reverse pass over a trace of scalars, without a gradient
// graph. `Reverse` records the gradient as new trace nodes (so it can be
// lowered, printed and differentiated again), which costs a node, a 0-d
// array and a few hash lookups per operation; a gradient called once (the
// first call of `grad(f)(x)`, a loop traced once) only needs the numbers.
// This sweep computes them with plain Doubles, and the graph is built later,
// when the cached trace is reused (Differentiator.compile).
//
// The numbers must be bit for bit those the graph path gives, so this file
// mirrors `Rules` and `GradientOps` step by step: the same rule for each
// primitive, the same identities (`g * 1 = g`, `0 + g = g`, `--g = g`), and
// the same gathering of constant factors (`c1 * (c2 * t) = (c1 c2) * t`),
// which needs to know which values are traced and which are `c * t` or `-t`.
// So each value carries the id of the node that made it (a forward node of
// the trace, or one of the sweep's own temporaries), and temporaries record
// their `c * t` form. Anything outside that mirror (arrays, where, indexing,
// builtins other than the unary maths below, keywords) makes `gradients`
// return nil before anything is changed, and the caller takes the graph path.

struct LeanReverse {
    /// A value of the sweep: its number, and the node that made it (a traced
    /// value), or -1 for an untraced number.
    private struct V {
        var x: Double
        var id: Int32
        var isTraced: Bool { id >= 0 }
        static func number(_ x: Double) -> V { V(x: x, id: -1) }
    }

    private let trace: Trace
    /// Forward nodes up to the output: their numbers, and what they are.
    private var forwardValue: [Double]
    private var forwardKind: [Kind]
    private enum Kind: UInt8 {
        /// A traced 0-d float array.
        case traced
        /// A constant float or int (ints count as floats here, as in GradientOps.float).
        case number
        /// A constant `.float` (GradientOps.number sees it; a `.int` is not gathered).
        case float
        /// Anything else: the sweep does not apply if it needs one.
        case other
    }
    /// What each forward node computes, read once from the trace so that the
    /// sweep itself touches only these flat arrays.
    private var op: [Op]
    private var first: [Int32]
    private var second: [Int32]
    /// `-t` (the operator; GradientOps.scaled does not look into `negative(t)`).
    private var isNegation: [Bool]
    private enum Op: UInt8 {
        /// Inputs, constants, guards: nothing to propagate.
        case leaf
        case add, sub, mul, div, pow
        /// Comparisons, //: a zero cotangent.
        case zero
        case negate, plus
        case sin, cos, tan, exp, log, sqrt, square, abs, sinh, cosh, tanh, log1p, expm1, arctan
        /// sign, floor, ceil: piecewise constant.
        case flat
        /// Anything else: the sweep gives up if it must differentiate one.
        case unsupported
    }
    /// Temporaries: value, and the `c * t` form (`t` the id, -1 when none).
    private struct Temp {
        var x: Double
        var factor: Double
        var scaled: Int32
    }
    private var temps: [Temp] = []

    private init(trace: Trace, upTo output: Int) {
        self.trace = trace
        let count = output + 1
        forwardValue = [Double](repeating: 0, count: count)
        forwardKind = [Kind](repeating: .other, count: count)
        op = [Op](repeating: .unsupported, count: count)
        first = [Int32](repeating: -1, count: count)
        second = [Int32](repeating: -1, count: count)
        isNegation = [Bool](repeating: false, count: count)
        temps.reserveCapacity(2 * count)
        // The nodes' fields are read in place (copying a node would retain its parts).
        // Lazy numbers of the scalar fast path (Trace+Scalars.swift) are traced numbers
        // held as floats; reading `storage`, not `nodes`, leaves them lazy.
        trace.storage.withUnsafeBufferPointer { nodes in
            for n in 0..<count {
                let isConstant: Bool
                if case .constant = nodes[n].primitive { isConstant = true } else { isConstant = false }
                switch nodes[n].value {
                case .float(let x) where nodes[n].isLazy: forwardValue[n] = x; forwardKind[n] = .traced
                case .float(let x) where isConstant: forwardValue[n] = x; forwardKind[n] = .float
                case .int(let i) where isConstant: forwardValue[n] = Double(i); forwardKind[n] = .number
                case .array(let a) where !isConstant && a.shape.isEmpty && !a.isBool:
                    forwardValue[n] = a.data[0]
                    forwardKind[n] = .traced
                default: break
                }
                let operandCount = nodes[n].operands.count
                if operandCount > 0 { first[n] = Int32(nodes[n].operands[0]) }
                if operandCount > 1 { second[n] = Int32(nodes[n].operands[1]) }
                op[n] = LeanReverse.op(nodes[n].primitive, operandCount: operandCount)
                if case .unary(.negate) = nodes[n].primitive { isNegation[n] = true }
            }
        }
    }

    private static func op(_ primitive: Primitive, operandCount: Int) -> Op {
        switch primitive {
        case .input, .external, .constant, .guardTruth, .guardEqual:
            return .leaf
        case .binary(let code):
            guard operandCount == 2 else { return .unsupported }
            switch code {
            case .add: return .add
            case .sub: return .sub
            case .mul: return .mul
            case .div: return .div
            case .pow: return .pow
            case .matmul, .mod: return .unsupported
            default: return .zero                              // as Rules.binary
            }
        case .unary(let code):
            guard operandCount == 1 else { return .unsupported }
            switch code {
            case .negate: return .negate
            case .plus: return .plus
            default: return .zero                              // ~a: no derivative
            }
        case .call(let builtin, let keywords):
            guard keywords.isEmpty, operandCount == 1 else { return .unsupported }
            switch builtin.name {
            case "sin": return .sin
            case "cos": return .cos
            case "tan": return .tan
            case "exp": return .exp
            case "log": return .log
            case "sqrt": return .sqrt
            case "square": return .square
            case "abs", "absolute", "fabs": return .abs
            case "sinh": return .sinh
            case "cosh": return .cosh
            case "tanh": return .tanh
            case "log1p": return .log1p
            case "expm1": return .expm1
            case "arctan": return .arctan
            case "negative": return .negate
            case "positive", "float": return .plus
            case "sign", "floor", "ceil": return .flat
            default: return .unsupported
            }
        default:
            return .unsupported
        }
    }

    /// The cotangents of `inputs` (nil where the output does not depend on
    /// one) for the seed 1 at `output`, or nil when the sweep does not apply.
    static func gradients(_ trace: Trace, output: Int, inputs: [Int]) -> [Double?]? {
        guard output < trace.storage.count else { return nil }
        var sweep = LeanReverse(trace: trace, upTo: output)
        return sweep.run(output: output, inputs: inputs)
    }

    private mutating func run(output: Int, inputs: [Int]) -> [Double?]? {
        let count = output + 1
        // Which nodes depend on an input (as Reverse.run; a node has at most two
        // operands here, others are unsupported and end the sweep if reached).
        var live = [Bool](repeating: false, count: count)
        for i in inputs where i >= 0 && i <= output { live[i] = true }
        var manyOperands: [Int] = []
        for n in 0..<count where !live[n] {
            let a = Int(first[n]), b = Int(second[n])
            if (a >= 0 && a < count && live[a]) || (b >= 0 && b < count && live[b]) {
                live[n] = true
            } else if op[n] == .unsupported {
                manyOperands.append(n)
            }
        }
        // Unsupported nodes may have more operands than the two kept: check them in full.
        if !manyOperands.isEmpty {
            let nodes = trace.storage
            for n in 0..<count where !live[n] {
                if nodes[n].operands.contains(where: { $0 < count && live[$0] }) { live[n] = true }
            }
        }
        var adjoint = [V](repeating: .number(0), count: count)
        var has = [Bool](repeating: false, count: count)
        adjoint[output] = .number(1)
        has[output] = true
        for n in stride(from: output, through: 0, by: -1) {
            guard live[n], has[n] else { continue }
            let code = op[n]
            if code == .leaf { continue }
            if code == .unsupported { return nil }
            let i0 = Int(first[n]), i1 = Int(second[n])
            let w0 = i0 >= 0 && live[i0], w1 = i1 >= 0 && live[i1]
            guard w0 || w1 else { continue }
            guard let a = operand(i0) else { return nil }
            let g = adjoint[n]
            var c0: V?, c1: V?
            switch code {
            case .add, .sub, .mul, .div, .pow:
                guard let b = operand(i1) else { return nil }
                switch code {
                case .add:                                         // d(a + b) = da + db
                    c0 = w0 ? g : nil; c1 = w1 ? g : nil
                case .sub:                                         // d(a - b) = da - db
                    c0 = w0 ? g : nil; c1 = w1 ? neg(g) : nil
                case .mul:                                         // d(a * b) = b da + a db
                    c0 = w0 ? mul(g, b) : nil; c1 = w1 ? mul(g, a) : nil
                case .div:                                         // d(a / b) = da / b - a db / b²
                    c0 = w0 ? div(g, b) : nil
                    c1 = w1 ? neg(div(mul(g, forward(n)), b)) : nil
                default:                                           // b a^(b-1) da + log(a) a^b db
                    if w0 {
                        // The operand itself, as Rules.binary tests it (a constant 2, float or int).
                        if forwardKind[i1] != .traced, b.x == 2 {
                            c0 = mul(g, mul(.number(2), a))
                        } else {
                            c0 = mul(g, mul(b, raw(.pow, a, sub(b, .number(1)))))
                        }
                    }
                    c1 = w1 ? mul(g, mul(forward(n), unary(.log, a))) : nil
                }
            case .zero, .flat: break
            case .negate: c0 = neg(g)                              // d(-a) = -da
            case .plus: c0 = g                                     // d(+a) = da
            default: c0 = unaryRule(code, a, out: forward(n), g: g)
            }
            // Accumulate in operand order, as Reverse.run does.
            if let c0, w0 { accumulate(&adjoint, &has, i0, c0) }
            if let c1, w1 { accumulate(&adjoint, &has, i1, c1) }
        }
        return inputs.map { $0 >= 0 && $0 <= output && has[$0] ? adjoint[$0].x : nil }
    }

    private mutating func accumulate(_ adjoint: inout [V], _ has: inout [Bool], _ target: Int, _ c: V) {
        if has[target] {
            adjoint[target] = add(adjoint[target], c)
        } else {
            adjoint[target] = c
            has[target] = true
        }
    }

    /// Operand `n` of a node as a value of the sweep, nil when it is not a number.
    private func operand(_ n: Int) -> V? {
        switch forwardKind[n] {
        case .traced: return V(x: forwardValue[n], id: Int32(n))
        case .number, .float: return .number(forwardValue[n])
        case .other: return nil
        }
    }

    /// The traced result of forward node `n`.
    private func forward(_ n: Int) -> V { V(x: forwardValue[n], id: Int32(n)) }

    private func value(_ id: Int32) -> Double {
        let i = Int(id)
        return i < forwardValue.count ? forwardValue[i] : temps[i - forwardValue.count].x
    }

    // MARK: - GradientOps, for numbers

    /// A new traced temporary (a node the graph path would record).
    private mutating func temp(_ x: Double, factor: Double = 0, of t: Int32 = -1) -> V {
        temps.append(Temp(x: x, factor: factor, scaled: t))
        return V(x: x, id: Int32(forwardValue.count + temps.count - 1))
    }

    /// `a op b` as VM.binary computes it; recorded (traced) when an operand is.
    /// A product with one untraced factor remembers its `c * t` form.
    private mutating func raw(_ op: ElementwiseBinary, _ a: V, _ b: V) -> V {
        let x = op.apply(a.x, b.x)
        guard a.isTraced || b.isTraced else { return .number(x) }
        if op == .mul {
            if !a.isTraced { return temp(x, factor: a.x, of: b.id) }
            if !b.isTraced { return temp(x, factor: b.x, of: a.id) }
        }
        return temp(x)
    }

    /// A traced `c * t` or `-t` as (c, t), as GradientOps.scaled.
    private func scaled(_ v: V) -> (Double, V)? {
        guard v.isTraced else { return nil }
        let i = Int(v.id)
        if i >= forwardValue.count {
            let k = i - forwardValue.count
            let t = temps[k].scaled
            return t >= 0 ? (temps[k].factor, V(x: value(t), id: t)) : nil
        }
        let l = Int(first[i]), r = Int(second[i])
        if isNegation[i] {
            guard l >= 0, forwardKind[l] == .traced else { return nil }
            return (-1, forward(l))
        }
        guard op[i] == .mul else { return nil }
        if forwardKind[l] == .float, forwardKind[r] == .traced { return (forwardValue[l], forward(r)) }
        if forwardKind[r] == .float, forwardKind[l] == .traced { return (forwardValue[r], forward(l)) }
        return nil
    }

    private mutating func add(_ a: V, _ b: V) -> V {
        if !a.isTraced, a.x == 0 { return b }
        if !b.isTraced, b.x == 0 { return a }
        return raw(.add, a, b)
    }

    private mutating func sub(_ a: V, _ b: V) -> V {
        if !b.isTraced, b.x == 0 { return a }
        return raw(.sub, a, b)
    }

    private mutating func mul(_ a: V, _ b: V) -> V {
        if !a.isTraced, a.x == 1 { return b }
        if !b.isTraced, b.x == 1 { return a }
        if !a.isTraced, a.x == -1 { return neg(b) }
        if !b.isTraced, b.x == -1 { return neg(a) }
        if !a.isTraced, let (c2, t) = scaled(b) { return mul(.number(a.x * c2), t) }
        if !b.isTraced, let (c2, t) = scaled(a) { return mul(.number(b.x * c2), t) }
        return raw(.mul, a, b)
    }

    private mutating func div(_ a: V, _ b: V) -> V {
        if !b.isTraced, b.x == 1 { return a }
        return raw(.div, a, b)
    }

    private mutating func neg(_ a: V) -> V {
        if let (c, t) = scaled(a) {
            return c == -1 ? t : raw(.mul, .number(-c), t)     // --t = t, -(c t) = (-c) t
        }
        guard a.isTraced else { return .number(-a.x) }
        return temp(-a.x, factor: -1, of: a.id)
    }

    /// A unary builtin of the library: traced when its operand is.
    private mutating func unary(_ op: ElementwiseUnary, _ a: V) -> V {
        let x = op.apply(a.x)
        return a.isTraced ? temp(x) : .number(x)
    }

    // MARK: - Rules, for numbers

    /// The cotangent of the one operand of a unary maths builtin, as Rules.call.
    private mutating func unaryRule(_ code: Op, _ a: V, out: V, g: V) -> V? {
        switch code {
        case .sin: return mul(g, unary(.cos, a))                                 // sin' = cos
        case .cos: return neg(mul(g, unary(.sin, a)))                            // cos' = -sin
        case .tan: return div(g, raw(.pow, unary(.cos, a), .number(2)))          // tan' = 1/cos²
        case .exp: return mul(g, out)                                            // exp' = exp
        case .log: return div(g, a)                                              // log' = 1/a
        case .sqrt: return div(g, mul(.number(2), out))                          // 1/(2 sqrt a)
        case .square: return mul(g, mul(.number(2), a))                          // (a²)' = 2a
        case .abs: return mul(g, unary(.sign, a))                                // sign, 0 at 0
        case .sinh: return mul(g, unary(.cosh, a))                               // sinh' = cosh
        case .cosh: return mul(g, unary(.sinh, a))                               // cosh' = sinh
        case .tanh: return mul(g, sub(.number(1), raw(.pow, out, .number(2))))   // 1 - tanh²
        case .log1p: return div(g, add(a, .number(1)))                           // 1/(1 + a)
        case .expm1: return mul(g, add(out, .number(1)))                         // expm1 + 1
        case .arctan: return div(g, add(.number(1), raw(.pow, a, .number(2))))   // 1/(1 + a²)
        default: return nil
        }
    }
}

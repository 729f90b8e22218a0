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

    /// Everything the sweep knows of one forward node, read once from the trace
    /// so that the sweep touches only this flat buffer (one allocation, no
    /// uniqueness checks: a node costs a few loads and stores, not array calls).
    private struct Info {
        /// The node's number (a traced number or a numeric constant).
        var value: Double = 0
        /// The cotangent gathered so far (valid when `has`).
        var adjoint = V(x: 0, id: -1)
        var first: Int32 = -1
        var second: Int32 = -1
        var op: Op = .unsupported
        var kind: Kind = .other
        /// `-t` (the operator; GradientOps.scaled does not look into `negative(t)`).
        var isNegation = false
        /// `k` for the node of argument `k`, else -1.
        var input: Int32 = -1
        /// Depends on an input.
        var live = false
        var has = false
    }
    /// Temporaries: value, and the `c * t` form (`t` the id, -1 when none).
    private struct Temp {
        var x: Double
        var factor: Double
        var scaled: Int32
    }

    private let trace: Trace
    /// Forward nodes up to the output.
    private let info: UnsafeMutablePointer<Info>
    private let count: Int
    private var temps: UnsafeMutablePointer<Temp>
    private var tempCount = 0
    private var tempCapacity: Int

    private init(trace: Trace, upTo output: Int) {
        self.trace = trace
        count = output + 1
        info = .allocate(capacity: count)
        info.initialize(repeating: Info(), count: count)
        tempCapacity = 2 * count + 16
        temps = .allocate(capacity: tempCapacity)
        // The nodes' fields are read in place (copying a node would retain its parts).
        // Lazy numbers of the scalar fast path (Trace+Scalars.swift) are traced numbers
        // held as floats; reading `storage`, not `nodes`, leaves them lazy.
        var lastBuiltin: ObjectIdentifier?
        var lastOp = Op.unsupported
        trace.storage.withUnsafeBufferPointer { nodes in
            for n in 0..<count {
                let i = info + n
                let isConstant: Bool
                switch nodes[n].primitive {
                case .constant:
                    isConstant = true
                    i.pointee.op = .leaf
                case .call(let builtin, let keywords):
                    // One name lookup per builtin, not per node (a loop calls the same one).
                    isConstant = false
                    let id = ObjectIdentifier(builtin)
                    if id != lastBuiltin {
                        lastBuiltin = id
                        lastOp = LeanReverse.callOp(builtin)
                    }
                    i.pointee.op = keywords.isEmpty && nodes[n].operands.count == 1 ? lastOp : .unsupported
                case .input(let k):
                    isConstant = false
                    i.pointee.op = .leaf
                    i.pointee.input = Int32(truncatingIfNeeded: k)
                case let primitive:
                    isConstant = false
                    i.pointee.op = LeanReverse.op(primitive, operandCount: nodes[n].operands.count)
                    if case .unary(.negate) = primitive { i.pointee.isNegation = true }
                }
                switch nodes[n].value {
                case .float(let x) where nodes[n].isLazy: i.pointee.value = x; i.pointee.kind = .traced
                case .float(let x) where isConstant: i.pointee.value = x; i.pointee.kind = .float
                case .int(let v) where isConstant: i.pointee.value = Double(v); i.pointee.kind = .number
                case .array(let a) where !isConstant && a.shape.isEmpty && !a.isBool:
                    i.pointee.value = a.data[0]
                    i.pointee.kind = .traced
                default: break
                }
                let operands = nodes[n].operands
                let operandCount = operands.count
                if operandCount > 0 { i.pointee.first = Int32(truncatingIfNeeded: operands[0]) }
                if operandCount > 1 { i.pointee.second = Int32(truncatingIfNeeded: operands[1]) }
            }
        }
    }

    private func deallocate() {
        info.deinitialize(count: count)
        info.deallocate()
        temps.deallocate()
    }

    /// The rule of a one-argument builtin call without keywords.
    private static func callOp(_ builtin: BuiltinFunction) -> Op {
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
            return callOp(builtin)
        default:
            return .unsupported
        }
    }

    /// The cotangents of `inputs` (nil where the output does not depend on
    /// one) for the seed 1 at `output`, or nil when the sweep does not apply.
    static func gradients(_ trace: Trace, output: Int, inputs: [Int]) -> [Double?]? {
        guard output >= 0, output < trace.storage.count else { return nil }
        var sweep = LeanReverse(trace: trace, upTo: output)
        defer { sweep.deallocate() }
        return sweep.run(output: output, inputs: inputs)
    }

    /// The output's value and the cotangents of `inputs` (as `gradients`) when the
    /// function is called again with the numbers `arguments` (by argument index):
    /// the trace's forward nodes are computed again from them, as the scalar
    /// fast path computed them, then swept. Only for a trace that is a scalar
    /// tape (Trace.isScalarTape); nil when something is not a number or the
    /// sweep does not apply (the caller then compiles the trace).
    static func replay(_ trace: Trace, output: Int, inputs: [Int], arguments: [Double?]) -> (Double, [Double?])? {
        guard trace.isScalarTape, output >= 0, output < trace.storage.count else { return nil }
        var sweep = LeanReverse(trace: trace, upTo: output)
        defer { sweep.deallocate() }
        guard sweep.forward(arguments: arguments), let cotangents = sweep.run(output: output, inputs: inputs) else { return nil }
        return (sweep.info[output].value, cotangents)
    }

    /// Recomputes every traced number from the arguments, in recording order (a
    /// topological order). The operations are those the scalar fast path applied
    /// (Trace.scalarBinary, Trace.scalarCall), so the numbers are bit for bit
    /// those a new trace would hold.
    private func forward(arguments: [Double?]) -> Bool {
        var lastBuiltin: ObjectIdentifier?
        var lastUnary: ElementwiseUnary?
        return trace.storage.withUnsafeBufferPointer { nodes in
            for n in 0..<count where info[n].kind == .traced {
                let k = Int(info[n].input)
                if k >= 0 {
                    guard k < arguments.count, let x = arguments[k] else { return false }
                    info[n].value = x
                    continue
                }
                let a = Int(info[n].first)
                guard a >= 0, a < n, info[a].kind != .other else { return false }
                switch nodes[n].primitive {
                case .binary(let code):
                    let b = Int(info[n].second)
                    guard nodes[n].operands.count == 2, b >= 0, b < n, info[b].kind != .other,
                          VM.isScalarTraceable(code), let op = Operators.elementwise(code) else { return false }
                    info[n].value = op.apply(info[a].value, info[b].value)
                case .call(let builtin, let keywords):
                    guard keywords.isEmpty, nodes[n].operands.count == 1 else { return false }
                    let id = ObjectIdentifier(builtin)
                    if id != lastBuiltin {
                        lastBuiltin = id
                        lastUnary = trace.recordedUnary(builtin)
                    }
                    guard let op = lastUnary, !op.yieldsBool else { return false }
                    info[n].value = op.apply(info[a].value)
                default:
                    return false
                }
            }
            return true
        }
    }

    private mutating func run(output: Int, inputs: [Int]) -> [Double?]? {
        // Which nodes depend on an input (as Reverse.run; a node has at most two
        // operands here, others are unsupported and end the sweep if reached).
        for i in inputs where i >= 0 && i <= output { info[i].live = true }
        var hasUnsupported = false
        for n in 0..<count where !info[n].live {
            let a = Int(info[n].first), b = Int(info[n].second)
            if (a >= 0 && a < count && info[a].live) || (b >= 0 && b < count && info[b].live) {
                info[n].live = true
            } else if info[n].op == .unsupported {
                hasUnsupported = true
            }
        }
        // Unsupported nodes may have more operands than the two kept: check them in full.
        if hasUnsupported {
            trace.storage.withUnsafeBufferPointer { nodes in
                for n in 0..<count where !info[n].live {
                    if nodes[n].operands.contains(where: { $0 >= 0 && $0 < count && info[$0].live }) { info[n].live = true }
                }
            }
        }
        info[output].adjoint = .number(1)
        info[output].has = true
        for n in stride(from: output, through: 0, by: -1) {
            let node = info[n]
            guard node.live, node.has else { continue }
            let code = node.op
            if code == .leaf { continue }
            if code == .unsupported { return nil }
            let i0 = Int(node.first), i1 = Int(node.second)
            let w0 = i0 >= 0 && i0 < count && info[i0].live, w1 = i1 >= 0 && i1 < count && info[i1].live
            guard w0 || w1 else { continue }
            guard let a = operand(i0) else { return nil }
            let g = node.adjoint
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
                        if info[i1].kind != .traced, b.x == 2 {
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
            if let c0, w0 { accumulate(i0, c0) }
            if let c1, w1 { accumulate(i1, c1) }
        }
        return inputs.map { $0 >= 0 && $0 <= output && info[$0].has ? info[$0].adjoint.x : nil }
    }

    private mutating func accumulate(_ target: Int, _ c: V) {
        if info[target].has {
            info[target].adjoint = add(info[target].adjoint, c)
        } else {
            info[target].adjoint = c
            info[target].has = true
        }
    }

    /// Operand `n` of a node as a value of the sweep, nil when it is not a number.
    private func operand(_ n: Int) -> V? {
        guard n >= 0, n < count else { return nil }
        switch info[n].kind {
        case .traced: return V(x: info[n].value, id: Int32(n))
        case .number, .float: return .number(info[n].value)
        case .other: return nil
        }
    }

    /// The traced result of forward node `n`.
    private func forward(_ n: Int) -> V { V(x: info[n].value, id: Int32(n)) }

    private func value(_ id: Int32) -> Double {
        let i = Int(id)
        return i < count ? info[i].value : temps[i - count].x
    }

    // MARK: - GradientOps, for numbers

    /// A new traced temporary (a node the graph path would record).
    private mutating func temp(_ x: Double, factor: Double = 0, of t: Int32 = -1) -> V {
        if tempCount == tempCapacity {
            let bigger = UnsafeMutablePointer<Temp>.allocate(capacity: 2 * tempCapacity)
            bigger.moveInitialize(from: temps, count: tempCount)
            temps.deallocate()
            temps = bigger
            tempCapacity *= 2
        }
        temps[tempCount] = Temp(x: x, factor: factor, scaled: t)
        tempCount += 1
        return V(x: x, id: Int32(truncatingIfNeeded: count + tempCount - 1))
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
        if i >= count {
            let k = i - count
            let t = temps[k].scaled
            return t >= 0 ? (temps[k].factor, V(x: value(t), id: t)) : nil
        }
        let l = Int(info[i].first), r = Int(info[i].second)
        if info[i].isNegation {
            guard l >= 0, l < count, info[l].kind == .traced else { return nil }
            return (-1, forward(l))
        }
        guard info[i].op == .mul, l >= 0, l < count, r >= 0, r < count else { return nil }
        if info[l].kind == .float, info[r].kind == .traced { return (info[l].value, forward(r)) }
        if info[r].kind == .float, info[l].kind == .traced { return (info[r].value, forward(l)) }
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

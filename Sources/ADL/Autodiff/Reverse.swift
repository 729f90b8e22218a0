// The reverse pass, step 2 of the autodiff mechanism (SPEC §8): walks a
// trace's nodes from the output back to the inputs, applying one gradient
// rule per primitive (Rules.swift). The rules compute with the VM's own
// operations while the trace is still active, so the gradient is recorded
// into the same trace in the same primitives: it can be compiled, printed,
// and differentiated again.

struct Reverse {
    let vm: VM
    let trace: Trace

    /// The cotangent of each input node in `inputs`, given the cotangent `seed`
    /// of node `output`. A missing cotangent (the output does not depend on
    /// the input) is nil.
    func run(output: Int, seed: Value, inputs: [Int]) throws -> [Value?] {
        // Which nodes depend on an input we differentiate with respect to.
        var live = [Bool](repeating: false, count: output + 1)
        for i in inputs where i <= output { live[i] = true }
        for n in 0...output where !live[n] {
            live[n] = trace.nodes[n].operands.contains { $0 < live.count && live[$0] }
        }
        var adjoint = [Value?](repeating: nil, count: output + 1)
        // Nodes whose cotangent is exactly zero where a `where` did not take
        // their branch: their rules' results are zeroed there too, so an inf or
        // nan of the untaken branch's derivative never leaks (SPEC §8).
        var masked = [Bool](repeating: false, count: output + 1)
        adjoint[output] = seed
        // A reverse pass records about two nodes per node it differentiates.
        trace.reserveCapacity(2 * (output + 1))
        let ops = GradientOps(vm: vm)
        trace.pinsLocation = true
        defer { trace.pinsLocation = false }
        for n in stride(from: output, through: 0, by: -1) {
            guard live[n], let g = adjoint[n] else { continue }
            let node = trace.nodes[n]
            switch node.primitive {
            case .input, .external: continue
            default: break
            }
            let operands = node.operands
            let wanted = operands.map { live[$0] }
            guard wanted.contains(true) else { continue }
            trace.location = node.location
            var cotangents = try Rules.apply(node, trace: trace, g: g, wanted: wanted, ops: ops)
            var masks = [Bool](repeating: masked[n], count: cotangents.count)
            if case .call(let b, _) = node.primitive, b.name == "where" {
                masks = [false, true, true]
            } else if masked[n], ops.shape(g) == ops.shape(node.value) {
                for k in cotangents.indices {
                    guard let c = cotangents[k], ops.shape(c) == ops.shape(g) else { masks[k] = false; continue }
                    cotangents[k] = try ops.call("where", [try ops.binary(.equal, g, .float(0)), .float(0), c])
                }
            }
            for (k, c) in cotangents.enumerated() where k < operands.count && wanted[k] {
                guard let c else { continue }
                let target = operands[k]
                let isMasked = k < masks.count && masks[k]
                masked[target] = adjoint[target] == nil ? isMasked : masked[target] && isMasked
                adjoint[target] = try ops.accumulate(adjoint[target], c)
            }
        }
        return inputs.map { $0 <= output ? adjoint[$0] : nil }
    }
}

/// Operations for writing gradient rules: the VM's operators and builtins,
/// recorded when traced, with the identities that keep gradients small
/// (`g * 1 = g`, `g + 0 = g`, `--g = g`) applied as they are built.
struct GradientOps {
    let vm: VM

    /// Untraced ints and bools as floats: gradients are float64.
    func float(_ v: Value) -> Value {
        switch v {
        case .int(let i): return .float(Double(i))
        case .bool(let b): return .float(b ? 1 : 0)
        default: return v
        }
    }

    func isBoolArray(_ v: Value) -> Bool {
        if case .array(let a) = v { return a.isBool }
        return false
    }

    func isConstant(_ v: Value, _ x: Double) -> Bool {
        if let trace = vm.activeTrace, trace.isTraced(v) { return false }
        switch v {
        case .float(let y): return y == x
        case .int(let i): return Double(i) == x
        case .array(let a) where !a.isBool && a.count <= 1 << 16:
            for i in 0..<a.count where a.data[i] != x { return false }
            return true
        default: return false
        }
    }

    /// An untraced array whose elements are all equal, as that number, when the
    /// other operand alone gives the result's shape (`ones(n) * 100 * g` is `100 * g`).
    func scalarized(_ v: Value, beside other: Value) -> Value {
        guard case .array(let a) = v, !a.isBool, a.count > 0, a.count <= 1 << 24 else { return v }
        if let trace = vm.activeTrace, trace.isTraced(v) { return v }
        guard shape(other) == (try? NDArray.broadcastShapes(a.shape, shape(other))) else { return v }
        let first = a.data[0]
        for i in 1..<a.count where a.data[i].bitPattern != first.bitPattern { return v }
        return .float(first)
    }

    func add(_ a: Value, _ b: Value) throws -> Value {
        let a = scalarized(float(a), beside: b), b = scalarized(float(b), beside: a)
        if isConstant(a, 0), !isBoolArray(b), shape(b) == shape(a) || isScalar(a) { return b }
        if isConstant(b, 0), !isBoolArray(a), shape(a) == shape(b) || isScalar(b) { return a }
        return try vm.binary(.add, a, b)
    }

    func sub(_ a: Value, _ b: Value) throws -> Value {
        let a = scalarized(float(a), beside: b), b = scalarized(float(b), beside: a)
        if isConstant(b, 0), !isBoolArray(a), covers(a, b) { return a }
        return try vm.binary(.sub, a, b)
    }

    func mul(_ a: Value, _ b: Value) throws -> Value {
        let a = scalarized(float(a), beside: b), b = scalarized(float(b), beside: a)
        if isConstant(a, 1), !isBoolArray(b), covers(b, a) { return b }
        if isConstant(b, 1), !isBoolArray(a), covers(a, b) { return a }
        if isConstant(a, -1), !isBoolArray(b), isScalar(a) { return try neg(b) }
        if isConstant(b, -1), !isBoolArray(a), isScalar(b) { return try neg(a) }
        // Constant factors gather into one: c1 * (c2 * t) = (c1 c2) * t, c * -t = (-c) * t.
        if let c1 = number(a), let (c2, t) = scaled(b) { return try mul(.float(c1 * c2), t) }
        if let c1 = number(b), let (c2, t) = scaled(a) { return try mul(.float(c1 * c2), t) }
        return try vm.binary(.mul, a, b)
    }

    /// An untraced number.
    func number(_ v: Value) -> Double? {
        if case .float(let x) = v { return x }
        return nil
    }

    /// A traced `c * t`, `t * c` or `-t` as (c, t) (c = -1 for `-t`).
    func scaled(_ v: Value) -> (Double, Value)? {
        guard let trace = vm.activeTrace, let n = trace.node(of: v) else { return nil }
        let node = trace.nodes[n]
        switch node.primitive {
        case .unary(.negate):
            return (-1, trace.nodes[node.operands[0]].value)
        case .binary(.mul):
            let l = trace.nodes[node.operands[0]], r = trace.nodes[node.operands[1]]
            if case .constant = l.primitive, let c = number(l.value), trace.node(of: r.value) != nil, covers(r.value, l.value) {
                return (c, r.value)
            }
            if case .constant = r.primitive, let c = number(r.value), trace.node(of: l.value) != nil, covers(l.value, r.value) {
                return (c, l.value)
            }
            return nil
        default:
            return nil
        }
    }

    func div(_ a: Value, _ b: Value) throws -> Value {
        let a = scalarized(float(a), beside: b), b = scalarized(float(b), beside: a)
        if isConstant(b, 1), !isBoolArray(a), covers(a, b) { return a }
        return try vm.binary(.div, a, b)
    }

    func neg(_ a: Value) throws -> Value {
        if let (c, t) = scaled(a) {
            return c == -1 ? t : try vm.binary(.mul, .float(-c), t)    // --t = t, -(c t) = (-c) t
        }
        return try vm.unary(.negate, a)
    }

    func binary(_ op: OpCode, _ a: Value, _ b: Value) throws -> Value { try vm.binary(op, a, b) }

    /// A builtin by name, recorded when an argument is traced.
    func call(_ name: String, _ args: [Value], _ keywords: [(name: String, value: Value)] = []) throws -> Value {
        guard let f = vm.builtins.function(named: name) else {
            throw ADLError(.notImplemented, "the gradient needs the builtin '\(name)'")
        }
        let arguments = Arguments(args, keywords: keywords)
        if let trace = vm.activeTrace, trace.isTraced(arguments) { return try vm.tracedCall(trace, f, arguments) }
        return try f.body(vm, arguments)
    }

    func accumulate(_ a: Value?, _ b: Value) throws -> Value {
        guard let a else { return b }
        // a + index_add(zeros, i, v) is index_add(a, i, v): scattered cotangents
        // of several reads of one array go into one buffer.
        if let trace = vm.activeTrace, let n = trace.node(of: b), case .call(let f, let kw) = trace.nodes[n].primitive,
           f.name == "index_add", kw.isEmpty, trace.nodes[n].operands.count == 3,
           case .constant = trace.nodes[trace.nodes[n].operands[0]].primitive, shape(a) == shape(b) {
            let ops = trace.nodes[n].operands
            return try call("index_add", [a, trace.nodes[ops[1]].value, trace.nodes[ops[2]].value])
        }
        if case .tuple(let x) = a, case .tuple(let y) = b {
            return .tuple(TupleObject(try zip(x.items, y.items).map { u, v in
                if case .none = u { return v }
                if case .none = v { return u }
                return try add(u, v)
            }))
        }
        return try add(a, b)
    }

    func shape(_ v: Value) -> [Int] {
        switch v {
        case .array(let a): return a.shape
        // A tuple or list operand stands for the array NumPy makes of it (`sum((a, b))`).
        case .tuple, .list: return (try? Coerce.array(v).shape) ?? []
        default: return []
        }
    }

    func isScalar(_ v: Value) -> Bool { shape(v).isEmpty }

    /// True when `a op b` has `a`'s shape (b broadcasts into a).
    func covers(_ a: Value, _ b: Value) -> Bool {
        (try? NDArray.broadcastShapes(shape(a), shape(b))) == shape(a)
    }

    /// `g` summed down to `target` (undoing broadcasting), the one place this happens.
    func sumTo(_ g: Value, _ target: [Int]) throws -> Value {
        let s = shape(g)
        if s == target { return g }
        if s.isEmpty { return try broadcast(g, target) }
        let lead = s.count - target.count
        guard lead >= 0 else { return try broadcast(g, target) }
        var axes: [Int] = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && s[lead + i] != 1 { axes.append(lead + i) }
        var out = g
        if !axes.isEmpty {
            out = try call("sum", [g], [("axis", .tuple(TupleObject(axes.map { .int($0) })))])
        }
        if shape(out) != target { out = try call("reshape", [out, shapeValue(target)]) }
        return out
    }

    /// `g` broadcast to `target`.
    func broadcast(_ g: Value, _ target: [Int]) throws -> Value {
        if shape(g) == target { return g }
        return try call("broadcast_to", [g, shapeValue(target)])
    }

    func shapeValue(_ s: [Int]) -> Value { .tuple(TupleObject(s.map { .int($0) })) }
}

// Fusion of a gradient graph's elementwise chains (part of step 4, lowering).
//
// The nodes a fused program can compute ("members") are float arrays made by
// + - * / ** and unary minus with operands of the same shape or numbers,
// contiguous slices `a[lo:hi]` of 1-d arrays, and `index_add(base, (lo:hi,), g)`
// of a 1-d base (the scatter that the gradient of a slice is made of), plus a
// final `sum` of a member. A member whose value something else needs (a call,
// an output, a guard) is a "root": it becomes one FUSED_CHAIN instruction that
// computes its whole chain of members from the non-member nodes ("leaves") in
// one pass over memory, followed by the plain code for the same chain, which
// runs when the fused program does not apply (the shapes or types differ, or
// the gradient code is itself being traced for a higher derivative). Members
// that only feed other members are never materialised; a member shared by two
// roots is recomputed in each (elementwise work is cheap, memory passes are not).
//
// Slices and index_add shift the index: a program computes its root at index i,
// and a member inside it at i + shift (x[1:] at i is x at i + 1; the g of
// index_add(base, (1:,), g) at i is g at i - 1). The program is built per
// (node, shift) pair.

extension Lowering {
    /// Which nodes are members, which are roots, and each root's members.
    struct FusionPlan {
        var member: [Bool]
        var isRoot: [Bool]
        /// A root's members in node order (the root last), for the plain code.
        var chain: [Int: [Int]] = [:]
    }

    /// A float array value that is not bool, or nil.
    private static func floatArray(_ v: Value) -> NDArray? {
        if case .array(let a) = v, !a.isBool { return a }
        return nil
    }

    /// A number operand (an int, a float or a 0-d float array).
    private static func isNumber(_ v: Value) -> Bool {
        switch v {
        case .int, .float: return true
        case .array(let a): return a.ndim == 0 && !a.isBool
        default: return false
        }
    }

    /// The number an operand holds, for constants.
    private static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .array(let a) where a.ndim == 0 && !a.isBool: return a.data[0]
        default: return nil
        }
    }

    /// The normalised bounds of a contiguous slice (step 1) of a length, or nil.
    static func contiguousSlice(_ v: Value, count: Int) -> (lo: Int, hi: Int)? {
        guard case .slice(let s) = v else { return nil }
        switch s.step {
        case .none: break
        case .int(1): break
        default: return nil
        }
        func bound(_ b: Value) -> Int?? {
            switch b {
            case .none: return .some(nil)
            case .int(let i): return .some(i)
            default: return nil
            }
        }
        guard let start = bound(s.start), let stop = bound(s.stop) else { return nil }
        let lo = FusedKernel.bound(start, count: count, default: 0)
        let hi = Swift.max(lo, FusedKernel.bound(stop, count: count, default: count))
        return (lo, hi)
    }

    /// The slice of index_add's index operand: a tuple of one contiguous slice, or that slice.
    private static func indexAddSlice(_ v: Value, count: Int) -> (lo: Int, hi: Int)? {
        if case .tuple(let t) = v, t.items.count == 1 { return contiguousSlice(t.items[0], count: count) }
        return contiguousSlice(v, count: count)
    }

    /// A constant node holding an array of zeros shaped `shape` (index_add's usual base).
    private static func isZeroConstant(_ node: Trace.Node, shape: [Int]) -> Bool {
        guard case .constant = node.primitive, let a = floatArray(node.value), a.shape == shape else { return false }
        for i in 0..<a.count where a.data[i] != 0 || a.data[i].sign == .minus { return false }
        return true
    }

    /// True when node n is a member.
    private static func isMember(_ nodes: [Trace.Node], _ n: Int) -> Bool {
        let node = nodes[n]
        guard let a = floatArray(node.value), a.ndim >= 1 else { return false }
        let args = node.operands
        func sameShape(_ k: Int) -> Bool { floatArray(nodes[k].value)?.shape == a.shape }
        switch node.primitive {
        case .binary(let op):
            guard [.add, .sub, .mul, .div, .pow].contains(op), args.count == 2 else { return false }
            return args.allSatisfy { sameShape($0) || isNumber(nodes[$0].value) }
                && args.contains { sameShape($0) }
        case .unary(let op):
            return op == .negate && args.count == 1 && sameShape(args[0])
        case .getIndex:
            guard args.count == 2, let base = floatArray(nodes[args[0]].value), base.ndim == 1,
                  let s = contiguousSlice(nodes[args[1]].value, count: base.count) else { return false }
            return a.shape == [s.hi - s.lo]
        case .call(let builtin, let keywords):
            guard builtin.name == "index_add", keywords.isEmpty, args.count == 3, a.ndim == 1,
                  sameShape(args[0]) || isZeroConstant(nodes[args[0]], shape: a.shape),
                  let s = indexAddSlice(nodes[args[1]].value, count: a.count),
                  let g = floatArray(nodes[args[2]].value) else { return false }
            return g.shape == [s.hi - s.lo]
        default:
            return false
        }
    }

    /// A `sum(member)` node.
    private static func isSumOfMember(_ nodes: [Trace.Node], _ n: Int, _ member: [Bool]) -> Bool {
        guard case .call(let builtin, let keywords) = nodes[n].primitive, builtin.name == "sum",
              keywords.isEmpty, nodes[n].operands.count == 1 else { return false }
        return member[nodes[n].operands[0]]
    }

    static func planFusion(_ nodes: [Trace.Node], needed: [Bool], outputs: [Int], guards: [Int]) -> FusionPlan {
        var member = [Bool](repeating: false, count: nodes.count)
        for n in nodes.indices where needed[n] { member[n] = isMember(nodes, n) }
        var isRoot = [Bool](repeating: false, count: nodes.count)
        for n in nodes.indices where needed[n] {
            if isSumOfMember(nodes, n, member) {
                isRoot[n] = true
                continue
            }
            if member[n] { continue }
            // A non-member needs its member operands materialised.
            for k in nodes[n].operands where member[k] { isRoot[k] = true }
        }
        for n in outputs + guards where member[n] { isRoot[n] = true }
        var plan = FusionPlan(member: member, isRoot: isRoot)
        for n in nodes.indices where isRoot[n] {
            var seen = Set<Int>([n])
            var work = [n]
            while let k = work.popLast() {
                for o in nodes[k].operands where member[o] && !seen.contains(o) {
                    seen.insert(o)
                    work.append(o)
                }
            }
            plan.chain[n] = seen.sorted()
        }
        return plan
    }

    /// The fused program of root n, or nil when it would compute nothing (a lone slice)
    /// or is too long. `source(k)` is where leaf node k's value is found.
    static func fusedKernel(root n: Int, _ nodes: [Trace.Node], _ plan: FusionPlan,
                            source: (Int) -> FusedSource) -> FusedKernel? {
        var steps: [FusedStep] = []
        var inputs: [FusedInput] = []
        var inputOf: [Int: Int] = [:]
        var registerOf: [Int: [Int: Int]] = [:]   // node -> shift -> register
        var computes = false
        let limit = 256

        func add(_ s: FusedStep) -> Int {
            steps.append(s)
            return steps.count - 1
        }
        func register(_ k: Int, _ shift: Int) -> Int? {
            if let r = registerOf[k]?[shift] { return r }
            guard steps.count < limit else { return nil }
            let node = nodes[k]
            let args = node.operands
            var r: Int
            if !plan.member[k] {
                if case .constant = node.primitive, let c = number(node.value) {
                    r = add(.constant(c))
                } else {
                    let input: Int
                    if let i = inputOf[k] { input = i } else {
                        var spec = FusedInput(source: source(k))
                        if let a = floatArray(node.value), a.ndim >= 1 { spec.expectedCount = a.count }
                        inputs.append(spec)
                        input = inputs.count - 1
                        inputOf[k] = input
                    }
                    r = add(.load(input, shift: shift))
                }
            } else {
                switch node.primitive {
                case .binary(let op):
                    guard let e = Operators.elementwise(op), let a = register(args[0], shift),
                          let b = register(args[1], shift) else { return nil }
                    r = add(.binary(e, a, b))
                    computes = true
                case .unary:
                    guard let a = register(args[0], shift) else { return nil }
                    r = add(.unary(.neg, a))
                    computes = true
                case .getIndex:
                    guard let base = floatArray(nodes[args[0]].value),
                          let s = contiguousSlice(nodes[args[1]].value, count: base.count),
                          let a = register(args[0], shift + s.lo) else { return nil }
                    r = a
                case .call:
                    guard let a = floatArray(node.value),
                          let s = indexAddSlice(nodes[args[1]].value, count: a.count) else { return nil }
                    let base: Int
                    if isZeroConstant(nodes[args[0]], shape: a.shape) {
                        base = add(.constant(0))
                    } else {
                        guard let b = register(args[0], shift) else { return nil }
                        base = b
                    }
                    guard let g = register(args[2], shift - s.lo) else { return nil }
                    r = add(.padAdd(base: base, value: g, lo: s.lo - shift, hi: s.hi - shift))
                    computes = true
                default:
                    return nil
                }
            }
            registerOf[k, default: [:]][shift] = r
            return r
        }

        let sums = !plan.member[n]
        let top = sums ? nodes[n].operands[0] : n
        guard let shape = floatArray(nodes[top].value)?.shape, let result = register(top, 0), computes,
              result == steps.count - 1 else { return nil }
        return FusedKernel(inputs: inputs, steps: steps, sums: sums, shape: shape)
    }
}

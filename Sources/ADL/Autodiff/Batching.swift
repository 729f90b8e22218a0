// Batching: `jacobian(f)` (and so `hessian`) needs one vector-Jacobian product
// per element of f's result, row i = e_iᵀ J. Instead of running the compiled
// vjp once per seed e_i, the vjp's trace is replayed once with its seed
// replaced by every seed at once, stacked on a new leading axis (a "vmap" of
// the trace over the seed): each node on the seed's path gets that batch axis,
// and each primitive there has a batching rule below. The replay computes
// with the VM's own operations under a new trace, which is lowered like any
// other (Lowering.swift), so a later jacobian call is one VM call of array
// operations over the whole matrix.
//
// The rules: an elementwise operation lifts its batched operands' rank (ones
// after the batch axis) so NumPy's right-aligned broadcasting still pairs the
// logical axes; reductions, reshapes, indexing and transposes shift their axes
// by one; a matrix product keeps the batch axis outermost. A node on the
// seed's path without a rule makes the replay give up (nil), and jacobian
// falls back to one call per seed, so batching never changes what works.

struct Batching {
    let vm: VM
    /// The trace the replay records into.
    let trace: Trace
    /// The batch size (the number of seeds).
    let count: Int
    var ops: GradientOps { GradientOps(vm: vm) }

    /// Raised by a rule that cannot batch its node.
    struct Refused: Error {}

    /// The function computing `outputs` of `old` (a vjp trace whose seed is
    /// input `seedInput`) for all the rows of `seeds` at once; each output gets
    /// a leading axis of `seeds.shape[0]`. Its parameters are the traced
    /// function's (without the seed). Nil when some node cannot be batched.
    static func compile(_ old: Trace, outputs: [Value], seedInput: Int, seeds: NDArray,
                        parameters: [String], name: String, file: SourceFile, vm: VM) -> FunctionProto? {
        guard vm.activeTrace == nil, let count = seeds.shape.first else { return nil }
        let nodes = old.nodes
        let outputIDs = outputs.map { old.node(of: $0) }
        // Only what the outputs and guards use is replayed (as Lowering keeps).
        var needed = [Bool](repeating: false, count: nodes.count)
        var work = outputIDs.compactMap { $0 } + old.guards
        while let n = work.popLast() {
            if needed[n] { continue }
            needed[n] = true
            work.append(contentsOf: nodes[n].operands)
        }
        let new = Trace()
        vm.activeTrace = new
        new.pinsLocation = true
        defer { vm.activeTrace = nil }
        let b = Batching(vm: vm, trace: new, count: count)
        var values = [Value](repeating: .none, count: nodes.count)
        var batched = [Bool](repeating: false, count: nodes.count)
        do {
            for n in nodes.indices where needed[n] {
                let node = nodes[n]
                new.location = node.location
                let xs = node.operands.map { values[$0] }
                let bs = node.operands.map { batched[$0] }
                switch node.primitive {
                case .input(let k):
                    if k == seedInput {
                        values[n] = .array(seeds)
                        batched[n] = true
                    } else {
                        values[n] = try new.input(k, Trace.concrete(node.value))
                    }
                    continue
                case .external:
                    return nil
                case .constant:
                    values[n] = node.value
                    continue
                case .guardTruth(let outcome):
                    if bs.contains(true) { return nil }
                    new.guardTruth(xs[0], outcome)
                    continue
                case .guardEqual:
                    if bs.contains(true) { return nil }
                    new.guardEqual(xs[0], xs[1])
                    continue
                default:
                    break
                }
                if bs.contains(true) {
                    // A batched result is an array with the batch axis; a node whose
                    // result was an int, a bool or a tuple cannot carry one.
                    guard case .array = node.value else { return nil }
                    values[n] = try b.batched(node, xs, bs)
                    batched[n] = true
                } else {
                    values[n] = try b.replay(node, xs)
                }
            }
            var results: [Value] = []
            for (k, out) in outputs.enumerated() {
                if let id = outputIDs[k], batched[id] {
                    results.append(values[id])
                } else {
                    // The same for every seed: repeated along the batch axis.
                    let v = outputIDs[k].map { values[$0] } ?? out
                    results.append(try b.ops.call("broadcast_to", [v, b.ops.shapeValue([count] + b.ops.shape(v))]))
                }
            }
            return try Lowering.compile(new, name: name, parameters: parameters, outputs: results, file: file)
        } catch {
            // A refusal, or a rule's assumption that did not hold: the per-seed loop is always right.
            return nil
        }
    }

    // MARK: - Replaying a node as recorded

    /// `node` computed again from `xs` (none batched).
    func replay(_ node: Trace.Node, _ xs: [Value]) throws -> Value {
        switch node.primitive {
        case .binary(let op): return try vm.binary(op, xs[0], xs[1])
        case .unary(let op): return try vm.unary(op, xs[0])
        case .call(let builtin, let keywords):
            let p = xs.count - keywords.count
            return try invoke(builtin, Array(xs[..<p]), Array(zip(keywords, xs[p...])))
        case .getIndex: return try vm.getIndex(xs[0], Array(xs.dropFirst()))
        case .setIndex:
            var target = xs[0]
            try vm.setIndex(&target, Array(xs.dropFirst(2)), xs[1])
            return target
        case .transpose: return try vm.tracedAttribute(xs[0], "T")
        case .display: return try vm.display(xs)
        case .tuple: return .tuple(TupleObject(xs))
        case .input, .external, .constant, .guardTruth, .guardEqual: throw Refused()
        }
    }

    func invoke(_ builtin: BuiltinFunction, _ positional: [Value], _ keywords: [(String, Value)]) throws -> Value {
        let args = Arguments(positional, keywords: keywords.map { (name: $0.0, value: $0.1) })
        if trace.isTraced(args) { return try vm.tracedCall(trace, builtin, args) }
        return try builtin.body(vm, args)
    }

    // MARK: - Batching rules

    /// The shape of one item of a batched value (without the batch axis).
    func logical(_ v: Value, _ isBatched: Bool) -> [Int] {
        let s = ops.shape(v)
        return isBatched ? Array(s.dropFirst()) : s
    }

    /// A batched value with ones inserted after its batch axis up to logical rank
    /// `rank`, so that it broadcasts against unbatched operands as its items would.
    func lift(_ v: Value, _ isBatched: Bool, rank: Int) throws -> Value {
        guard isBatched else { return v }
        let s = ops.shape(v)
        guard s.count - 1 < rank else { return v }
        return try ops.call("reshape", [v, ops.shapeValue([s[0]] + Array(repeating: 1, count: rank - (s.count - 1)) + s.dropFirst())])
    }

    /// An axis of an item as an axis of the batch (negative axes count from the end either way).
    func shifted(_ axis: Value) throws -> Value {
        switch axis {
        case .int(let k): return .int(k < 0 ? k : k + 1)
        case .tuple(let t): return .tuple(TupleObject(try t.items.map { try shifted($0) }))
        case .list(let l): return .tuple(TupleObject(try l.items.map { try shifted($0) }))
        default: throw Refused()
        }
    }

    func ints(_ v: Value) throws -> [Int] {
        switch v {
        case .int(let i): return [i]
        case .tuple(let t): return try t.items.map { guard case .int(let i) = $0 else { throw Refused() }; return i }
        case .list(let l): return try l.items.map { guard case .int(let i) = $0 else { throw Refused() }; return i }
        default: throw Refused()
        }
    }

    /// Basic indices (ints and slices) with a full slice for the batch axis in front.
    func batchIndices(_ indices: [Value]) throws -> [Value] {
        for i in indices {
            switch i {
            case .int, .slice: continue
            default: throw Refused()
            }
        }
        return [.slice(SliceObject(start: .none, stop: .none, step: .none))] + indices
    }

    /// `node` computed for the whole batch from `xs`, of which those flagged in `bs` are batched.
    func batched(_ node: Trace.Node, _ xs: [Value], _ bs: [Bool]) throws -> Value {
        switch node.primitive {
        case .binary(.matmul):
            return try matmul(xs[0], bs[0], xs[1], bs[1])
        case .binary(let op):
            let rank = max(logical(xs[0], bs[0]).count, logical(xs[1], bs[1]).count)
            return try vm.binary(op, try lift(xs[0], bs[0], rank: rank), try lift(xs[1], bs[1], rank: rank))
        case .unary(let op):
            return try vm.unary(op, xs[0])
        case .transpose:
            return try transpose(xs[0])
        case .getIndex:
            guard bs[0], !bs.dropFirst().contains(true) else { throw Refused() }
            return try vm.getIndex(xs[0], try batchIndices(Array(xs.dropFirst())))
        case .call(let builtin, let keywords):
            let p = xs.count - keywords.count
            return try call(builtin, Array(xs[..<p]), Array(bs[..<p]), Array(zip(keywords, xs[p...])),
                            keywordBatched: bs[p...].contains(true))
        default:
            throw Refused()
        }
    }

    func transpose(_ x: Value) throws -> Value {
        let r = ops.shape(x).count - 1
        if r <= 1 { return x }
        return try ops.call("transpose", [x, .tuple(TupleObject([.int(0)] + (1...r).reversed().map { .int($0) }))])
    }

    /// The matrix product with one operand batched (a 1-d or 2-d other operand).
    func matmul(_ a: Value, _ ab: Bool, _ b: Value, _ bb: Bool) throws -> Value {
        let sa = logical(a, ab), sb = logical(b, bb)
        switch (ab, bb) {
        case (true, false):
            // (B, ..., k) @ (k[, n]): NumPy's stacking keeps the batch axis in front.
            guard !sa.isEmpty, (1...2).contains(sb.count) else { throw Refused() }
            return try vm.binary(.matmul, a, b)
        case (false, true):
            guard (1...2).contains(sa.count), (1...2).contains(sb.count) else { throw Refused() }
            if sb.count == 2 { return try vm.binary(.matmul, a, b) }       // (m, k) @ (B, k, n)
            if sa.count == 1 { return try vm.binary(.matmul, b, a) }       // Σ a_k b_k, per row of b
            return try vm.binary(.matmul, b, try ops.call("transpose", [a]))   // (B, k) @ aᵀ
        default:
            throw Refused()
        }
    }

    static let elementwise: Set<String> = [
        "negative", "positive", "sin", "cos", "tan", "exp", "log", "tanh", "sqrt", "abs", "sign", "floor",
        "ceil", "square", "sinh", "cosh", "arctan", "log1p", "expm1",
    ]

    func call(_ builtin: BuiltinFunction, _ xs: [Value], _ bs: [Bool], _ keywords: [(String, Value)],
              keywordBatched: Bool) throws -> Value {
        guard !keywordBatched else { throw Refused() }
        let name = builtin.name
        switch name {
        case "where":
            guard xs.count == 3, keywords.isEmpty else { throw Refused() }
            let rank = zip(xs, bs).map { logical($0, $1).count }.max() ?? 0
            return try invoke(builtin, try zip(xs, bs).map { try lift($0, $1, rank: rank) }, [])
        case "index_add":
            // index_add(a, index, v) with basic indices: the batch axis is sliced whole.
            guard xs.count == 3, keywords.isEmpty, !bs[1] else { throw Refused() }
            let items: [Value]
            if case .tuple(let t) = xs[1] { items = t.items } else { items = [xs[1]] }
            let indices = try batchIndices(items)
            let sa = logical(xs[0], bs[0])
            let selected = ops.shape(try Indexing.get(.array(try NDArray(shape: sa)), items))
            let a = bs[0] ? xs[0] : try ops.call("broadcast_to", [xs[0], ops.shapeValue([count] + sa)])
            let v = try lift(xs[2], bs[2], rank: selected.count)
            return try invoke(builtin, [a, .tuple(TupleObject(indices)), v], [])
        default:
            break
        }
        guard bs.first == true, !bs.dropFirst().contains(true) else { throw Refused() }
        let x = xs[0]
        let r = ops.shape(x).count - 1
        if Batching.elementwise.contains(name), xs.count == 1, keywords.isEmpty {
            return try invoke(builtin, xs, [])
        }
        switch name {
        case "sum", "mean":
            guard xs.count <= 2, keywords.allSatisfy({ $0.0 == "axis" || $0.0 == "keepdims" }) else { throw Refused() }
            var kw = keywords.filter { $0.0 != "axis" }
            var axis = xs.count == 2 ? xs[1] : keywords.first(where: { $0.0 == "axis" })?.1 ?? .none
            if case .none = axis {
                if r == 0 { return x }
                axis = .tuple(TupleObject((1...r).map { .int($0) }))
            } else {
                axis = try shifted(axis)
            }
            kw.append(("axis", axis))
            return try invoke(builtin, [x], kw)
        case "reshape":
            guard xs.count == 2, keywords.isEmpty else { throw Refused() }
            return try invoke(builtin, [x, ops.shapeValue([count] + (try ints(xs[1])))], [])
        case "ravel":
            guard xs.count == 1, keywords.isEmpty else { throw Refused() }
            return try ops.call("reshape", [x, ops.shapeValue([count, -1])])
        case "broadcast_to":
            guard xs.count == 2, keywords.isEmpty else { throw Refused() }
            let shape = try ints(xs[1])
            return try invoke(builtin, [try lift(x, true, rank: shape.count), ops.shapeValue([count] + shape)], [])
        case "expand_dims":
            guard xs.count == 2, keywords.isEmpty else { throw Refused() }
            return try invoke(builtin, [x, try shifted(xs[1])], [])
        case "swapaxes":
            guard xs.count == 3, keywords.isEmpty else { throw Refused() }
            return try invoke(builtin, [x, try shifted(xs[1]), try shifted(xs[2])], [])
        case "transpose":
            guard keywords.isEmpty else { throw Refused() }
            if xs.count == 1 { return try transpose(x) }
            guard xs.count == 2 else { throw Refused() }
            let axes = try ints(xs[1]).map { $0 < 0 ? $0 + r + 1 : $0 + 1 }
            return try invoke(builtin, [x, ops.shapeValue([0] + axes)], [])
        default:
            throw Refused()
        }
    }
}

// Lowering, step 4 of the autodiff mechanism (SPEC §8): the nodes of a trace
// that the outputs need, and every guard, become the bytecode of an ordinary
// ADL function, run by the same VM (and differentiable again, since it is
// made of the same operators and builtin calls that were recorded).
//
// The function takes the traced function's arguments and returns a tuple of
// the outputs. Each recorded decision becomes a GUARD instruction: when a
// later call's values take another branch, the guard stops the function and
// the caller traces again.

enum Lowering {
    static func compile(_ trace: Trace, name: String, parameters: [String], outputs: [Value],
                        file: SourceFile) throws -> FunctionProto {
        let chunk = Chunk(file: file)
        let proto = FunctionProto(name: name, parameters: parameters, chunk: chunk,
                                  location: trace.nodes.first?.location ?? .unknown, isLambda: false)
        let nodes = trace.nodes
        // The external inputs are the last parameters.
        let externalCount = trace.externals.filter { $0.input != nil }.count
        let outputIDs: [Int?] = outputs.map { trace.node(of: $0) }

        // Products of transposed matrices, lowered without copying the transpose (Lowering+Matmul.swift).
        let fused = fusedProducts(nodes)

        // Dead-code elimination: keep what the outputs and the guards use.
        var needed = [Bool](repeating: false, count: nodes.count)
        var work = outputIDs.compactMap { $0 } + trace.guards
        while let n = work.popLast() {
            if needed[n] { continue }
            needed[n] = true
            if let product = fused[n] { work.append(contentsOf: product.operands) } else { work.append(contentsOf: nodes[n].operands) }
        }

        var slotOf = [Int?](repeating: nil, count: nodes.count)
        var constantIndex: [ObjectIdentifier: Int] = [:]
        var depth = 0, maxDepth = 1
        func emit(_ op: OpCode, _ a: Int = 0, _ b: Int = 0, effect: Int, at location: SourceLocation?) {
            chunk.emit(Instruction(op, Int32(a), Int32(b)), at: location ?? .unknown)
            depth += effect
            maxDepth = max(maxDepth, depth)
        }
        func constant(_ v: Value) -> Int {
            if case .builtin(let b) = v, let k = constantIndex[ObjectIdentifier(b)] { return k }
            chunk.constants.append(v)
            let k = chunk.constants.count - 1
            if case .builtin(let b) = v { constantIndex[ObjectIdentifier(b)] = k }
            return k
        }
        func load(_ n: Int, at location: SourceLocation?) {
            if let slot = slotOf[n] {
                emit(.loadLocal, slot, effect: 1, at: location)
            } else {
                // A constant (or a value the function never stored): its recorded value.
                emit(.loadConst, constant(Trace.concrete(nodes[n].value)), effect: 1, at: location)
            }
        }
        var movable = Set<Int>()    // slots of array temporaries (Lowering+Moves.swift)
        func newSlot(_ n: Int) -> Int {
            proto.localNames.append("t\(n)")
            if case .array = nodes[n].value { movable.insert(proto.localNames.count - 1) }
            return proto.localNames.count - 1
        }

        // Computes node n (an operator, call, index, transpose, display or tuple) onto the stack.
        func pushValue(_ n: Int) {
            let node = nodes[n]
            let loc = node.location
            let args = node.operands
            switch node.primitive {
            case .binary(let op):
                if let product = fused[n] {
                    emit(.loadConst, constant(.builtin(product.builtin)), effect: 1, at: loc)
                    load(product.operands[0], at: loc); load(product.operands[1], at: loc)
                    emit(.call, 2, effect: -2, at: loc)
                } else {
                    load(args[0], at: loc); load(args[1], at: loc)
                    emit(op, effect: -1, at: loc)
                }
            case .unary(let op):
                load(args[0], at: loc)
                emit(op, effect: 0, at: loc)
            case .call(let builtin, let keywords):
                emit(.loadConst, constant(.builtin(builtin)), effect: 1, at: loc)
                for a in args { load(a, at: loc) }
                if keywords.isEmpty {
                    // index_add (gradients of indexing) adds in place when it can (VM+IndexAdd.swift).
                    let op: OpCode = builtin.name == "index_add" && args.count == 3 ? .indexAdd : .call
                    emit(op, args.count, effect: -args.count, at: loc)
                } else {
                    let names = constant(.tuple(TupleObject(keywords.map { .string(StringObject($0)) })))
                    emit(.callKeywords, args.count, names, effect: -args.count, at: loc)
                }
            case .getIndex:
                for a in args { load(a, at: loc) }
                emit(.getIndex, args.count - 1, effect: -(args.count - 1), at: loc)
            case .transpose:
                load(args[0], at: loc)
                emit(.getAttribute, constant(.string(StringObject("T"))), effect: 0, at: loc)
            case .display:
                for a in args { load(a, at: loc) }
                emit(.buildList, args.count, effect: 1 - args.count, at: loc)
            case .tuple:
                for a in args { load(a, at: loc) }
                emit(.buildTuple, args.count, effect: 1 - args.count, at: loc)
            case .input, .external, .constant, .setIndex, .guardTruth, .guardEqual:
                break    // handled in the loop below
            }
        }

        // Fused elementwise chains (Lowering+Fusion.swift): a root runs its chain as one
        // FUSED_CHAIN program, with the plain code of the chain after it as the fallback.
        let plan = planFusion(nodes, needed: needed, outputs: outputIDs.compactMap { $0 }, guards: trace.guards)
        func emitRoot(_ n: Int) {
            let loc = nodes[n].location
            var jump: Int?
            if let kernel = fusedKernel(root: n, nodes, plan, source: { k in
                if let slot = slotOf[k] { return .local(slot) }
                return .constant(constant(Trace.concrete(nodes[k].value)))
            }) {
                chunk.fusedKernels.append(kernel)
                emit(.fusedChain, chunk.fusedKernels.count - 1, effect: 0, at: loc)
                jump = chunk.code.count - 1
            }
            // The fallback: the chain's members into slots of their own (restored after, so
            // code outside this chain never reads a slot only the fallback assigns).
            let chain = plan.chain[n] ?? [n]
            let saved = chain.map { slotOf[$0] }
            for k in chain where k != n {
                pushValue(k)
                let slot = newSlot(k)
                emit(.storeLocal, slot, effect: -1, at: nodes[k].location)
                slotOf[k] = slot
            }
            pushValue(n)
            for (k, s) in zip(chain, saved) { slotOf[k] = s }
            if let j = jump { chunk.code[j].b = Int32(chunk.code.count) }
            let slot = newSlot(n)
            emit(.storeLocal, slot, effect: -1, at: loc)
            slotOf[n] = slot
        }

        for (n, node) in nodes.enumerated() where needed[n] {
            if plan.isRoot[n] {
                emitRoot(n)
                continue
            }
            if plan.member[n] { continue }    // computed inside the roots that use it
            let loc = node.location
            let args = node.operands
            switch node.primitive {
            case .input(let k):
                slotOf[n] = k
                continue
            case .external(let k):
                slotOf[n] = parameters.count - externalCount + k
                continue
            case .constant:
                continue
            case .setIndex:
                // target = base (copied on write), then target[indices] = value.
                load(args[0], at: loc)
                let slot = newSlot(n)
                emit(.storeLocal, slot, effect: -1, at: loc)
                for a in args.dropFirst() { load(a, at: loc) }
                emit(.setIndexLocal, args.count - 2, slot, effect: -(args.count - 1), at: loc)
                slotOf[n] = slot
                continue
            case .guardTruth(let outcome):
                load(args[0], at: loc)
                emit(.guardTruth, outcome ? 1 : 0, effect: -1, at: loc)
                continue
            case .guardEqual:
                load(args[0], at: loc); load(args[1], at: loc)
                emit(.guardEqual, effect: -2, at: loc)
                continue
            default:
                pushValue(n)
            }
            let slot = newSlot(n)
            emit(.storeLocal, slot, effect: -1, at: loc)
            slotOf[n] = slot
        }
        let end = chunk.locations.last ?? proto.location
        for (k, out) in outputs.enumerated() {
            if let n = outputIDs[k] { load(n, at: end) } else {
                emit(.loadConst, constant(Trace.concrete(out)), effect: 1, at: end)
            }
        }
        emit(.buildTuple, outputs.count, effect: 1 - outputs.count, at: end)
        emit(.returnValue, effect: -1, at: end)
        moveLastUses(chunk, movable: movable)
        proto.maxStack = maxDepth + 2
        proto.seal()
        return proto
    }
}

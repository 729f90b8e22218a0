// Last uses in compiled gradient code. Every node of a lowered trace lives in a
// local slot, so without this an array temporary is referenced by its slot as
// well as by the operation that consumes it, and that operation can never
// reuse its buffer: `g * (1 - t ** 2)` allocates for each step, and index
// assignment copies. The last load of each array slot becomes LOAD_LOCAL_MOVE,
// which hands the slot's reference to the stack.
//
// Lowered code has no backward jumps (guards leave the function, FUSED_CHAIN
// jumps forward over its fallback), so the last load in the code is the last
// one executed. A load skipped at run time (a fallback not taken) just leaves
// its slot bound. Instructions that read a slot without a LOAD_LOCAL keep the
// loads before them as copies: SET_INDEX_LOCAL (reads and writes its slot) and
// FUSED_CHAIN (reads its inputs from slots).

extension Lowering {
    /// Rewrites the last LOAD_LOCAL of each slot in `movable` as LOAD_LOCAL_MOVE.
    static func moveLastUses(_ chunk: Chunk, movable: Set<Int>) {
        guard !movable.isEmpty else { return }
        var readLater = Set<Int>()
        for i in chunk.code.indices.reversed() {
            let ins = chunk.code[i]
            switch ins.op {
            case .loadLocal:
                let slot = Int(ins.a)
                if movable.contains(slot), readLater.insert(slot).inserted {
                    chunk.code[i].op = .loadLocalMove
                }
            case .setIndexLocal:
                readLater.insert(Int(ins.b))
            case .fusedChain:
                let k = Int(ins.a)
                guard k < chunk.fusedKernels.count else { continue }
                for input in chunk.fusedKernels[k].inputs {
                    if case .local(let slot) = input.source { readLater.insert(slot) }
                }
            case .storeLocal:
                // Before its store the slot holds nothing a later load reads.
                readLater.remove(Int(ins.a))
            default:
                continue
            }
        }
    }
}

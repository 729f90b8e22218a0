// Range loops whose whole body is one fused instruction, run without going
// back through the dispatch loop for each iteration.
//
// `for i in range(n): s = s + i * k` compiles to UPDATE_LK (which the peephole
// pass fused from BINARY_LK; BINARY_LS; STORE_LOCAL) followed by the
// RANGE_NEXT that jumps back to it. The UPDATE handler already does that
// RANGE_NEXT itself; when it sees the jump lead back to the same instruction,
// it hands the remaining iterations to `repeatUpdate`, which performs exactly
// the steps the dispatch loop would (same operations, same order, the
// interrupt flag polled at every backward jump) with the operands' addresses
// computed once.
//
// Anything off the scalar fast path (an array, an overflow, an unassigned
// local) ends the tight loop BEFORE that iteration changes anything, and the
// dispatch loop runs the instruction again the ordinary way.

extension VM {
    /// How a tight loop run by `repeatUpdate` ended.
    enum TightLoopExit {
        /// The range is exhausted: execution continues after the RANGE_NEXT.
        case finished
        /// The next iteration needs the general path: run the UPDATE instruction again.
        case slowPath
        /// The interrupt flag was set at the backward jump (the counter has advanced,
        /// the loop variable not yet stored, as in the dispatch loop).
        case interrupted
    }

    /// Repeats UPDATE_LK/LL `update` (locals[C] = locals[C] sub2 (locals[A] sub K[B]/locals[B]))
    /// and the RANGE_NEXT `next` that jumps back to it, until the range ends, an
    /// iteration leaves the scalar fast path, or an interrupt is requested.
    @inline(never)
    static func repeatUpdate(_ update: Instruction, _ next: Instruction,
                             slots: UnsafeMutablePointer<Slot>, constants: UnsafeMutablePointer<Slot>) -> TightLoopExit {
        let left = slots + Int(update.a)
        let right = (update.op == .updateLocalConst ? constants : slots) + Int(update.b)
        let accumulator = slots + Int(update.c)
        let counter = slots + Int(next.a)
        let variable = slots + Int(next.c)
        let op = update.sub, op2 = update.sub2
        while true {
            guard let t = arithmeticFast(op, left.pointee, right.pointee),
                  let v = arithmeticFast(op2, accumulator.pointee, t) else { return .slowPath }
            // A scalar result overwrites a scalar accumulator: nothing to release.
            accumulator.pointee = v
            guard let i = nextInRange(counter) else { return .finished }
            if interruptRequested.load(ordering: .relaxed) { return .interrupted }
            let old = variable.pointee
            variable.pointee = .int(i)
            old.release()
        }
    }
}

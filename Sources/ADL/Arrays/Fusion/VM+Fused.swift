// The VM side of FUSED_CHAIN: reads a fused program's inputs from the frame's
// locals, the globals or the constants (without touching the stack), and runs
// the program. Instrumented (traced) execution never fuses: every operation
// must be recorded, so the instruction falls through to the unfused code.

extension VM {
    /// The result of `kernel` over the current frame, or nil to run the unfused code.
    func runFused(_ kernel: FusedKernel, locals: UnsafeMutablePointer<Slot>,
                  constants: UnsafeMutablePointer<Slot>) -> Slot? {
        if activeTrace != nil { return nil }
        let globalSlots = globals.slots
        // Numbers only (scalar code): no array, nothing to fuse; decided without allocating.
        var anyArray = false
        for input in kernel.inputs {
            let tag: SlotTag
            switch input.source {
            case .local(let k): tag = locals[k].tag
            case .global(let k): tag = globalSlots[k].tag
            case .constant(let k): tag = constants[k].tag
            }
            if tag == .array { anyArray = true; break }
        }
        if !anyArray { return nil }
        let result = kernel.run { source in
            switch source {
            case .local(let k): return locals[k].value()
            case .global(let k): return globalSlots[k].value()
            case .constant(let k): return constants[k].value()
            }
        }
        return result.map { Slot($0) }
    }
}

// INDEX_ADD: the CALL 3 of `index_add` in compiled gradient code (Lowering),
// the scatter-add that the gradient of `x[i]` is made of. When the array is a
// float array that only the stack references (LOAD_LOCAL_MOVE handed it over,
// see Lowering+Moves.swift), the index is one element and the value a number,
// the value is added in place: no copy, no argument binding. Anything else
// (traced values, a shared or bool array, slices, arrays of values, an index
// out of range) runs as the CALL it stands for, with index_add's results and
// errors.

extension VM {
    /// Adds in place for INDEX_ADD when it can: stack[sp-4] is the callee, then
    /// a, index, values. On success the result replaces the callee and the three
    /// arguments are consumed; returns false (stack untouched) otherwise.
    @inline(never)
    static func indexAddInPlace(_ stack: UnsafeMutablePointer<Slot>, _ sp: Int) -> Bool {
        let indexSlot = stack[sp - 2], valueSlot = stack[sp - 1]
        guard stack[sp - 3].tag == .array, indexSlot.tag == .tuple,
              valueSlot.tag == .float || valueSlot.tag == .int else { return false }
        let number = valueSlot.tag == .float ? valueSlot.double : Double(valueSlot.int)
        guard case .tuple(let index) = indexSlot.value() else { return false }

        // Take the array out of its slot to see whether anyone else holds it.
        var taken = stack[sp - 3].take()
        guard case .array(var array) = taken else {
            stack[sp - 3] = Slot(taken)    // not reached: the tag said array
            return false
        }
        taken = .none
        // An index that is out of bounds (or not ints) is left to the CALL and its error.
        let offset = isKnownUniquelyReferenced(&array) && !array.isBool
            && index.items.count == array.ndim && array.ndim > 0
            ? (try? Library.elementOffset(index.items, in: array.shape)) ?? nil : nil
        guard let offset else {
            stack[sp - 3] = Slot(.array(array))    // back as it was, for the CALL
            return false
        }
        array.data[offset] += number
        stack[sp - 4].release()
        stack[sp - 4] = Slot(.array(array))
        indexSlot.release()
        return true
    }
}

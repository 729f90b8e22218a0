// INDEX_ADD: the CALL 3 of `index_add` in compiled gradient code (Lowering),
// the scatter-add that the gradient of `x[i]` and `x[a:b]` is made of. When the
// index is basic (ints and slices), the values (a number, or an array of the
// selection's shape) are added without binding arguments: in place when the
// array is a float array that only the stack references (LOAD_LOCAL_MOVE handed
// it over, see Lowering+Moves.swift), else into index_add's float copy. The sums are the ones
// index_add makes on its copy (Library.addInPlace). Anything else (traced
// values, a shared or bool array, advanced indices, values that need
// broadcasting, an index out of range) runs as the CALL it stands for, with
// index_add's results and errors.

extension VM {
    /// Adds in place for INDEX_ADD when it can: stack[sp-4] is the callee, then
    /// a, index, values. On success the result replaces the callee and the three
    /// arguments are consumed; returns false (stack untouched) otherwise.
    @inline(never)
    static func indexAddInPlace(_ stack: UnsafeMutablePointer<Slot>, _ sp: Int) -> Bool {
        let indexSlot = stack[sp - 2], valueSlot = stack[sp - 1]
        guard stack[sp - 3].tag == .array, indexSlot.tag == .tuple else { return false }
        guard case .tuple(let index) = indexSlot.value() else { return false }

        // Take the array out of its slot to see whether anyone else holds it.
        var taken = stack[sp - 3].take()
        guard case .array(var array) = taken else {
            stack[sp - 3] = Slot(taken)    // not reached: the tag said array
            return false
        }
        taken = .none
        // An array held elsewhere (a constant of the code, an argument) or a bool
        // one gets index_add's own float copy, which is then the stack's alone.
        let target = isKnownUniquelyReferenced(&array) && !array.isBool ? array : array.asFloat()
        guard add(into: target, index.items, valueSlot) else {
            stack[sp - 3] = Slot(.array(array))    // back as it was, for the CALL
            return false
        }
        stack[sp - 4].release()
        stack[sp - 4] = Slot(.array(target))
        indexSlot.release()
        valueSlot.release()
        return true
    }

    /// Adds `valueSlot` into the (uniquely held, float) `array` at `items` when
    /// the index is basic; false, with `array` unchanged, when index_add itself
    /// must run (advanced or out-of-range indices, values of another shape or type).
    private static func add(into array: NDArray, _ items: [Value], _ valueSlot: Slot) -> Bool {
        if valueSlot.tag == .float || valueSlot.tag == .int {
            let number = valueSlot.tag == .float ? valueSlot.double : Double(valueSlot.int)
            if items.count == array.ndim, array.ndim > 0,
               let offset = (try? Library.elementOffset(items, in: array.shape)) ?? nil {
                array.data[offset] += number
                return true
            }
        } else if valueSlot.tag != .array {
            return false
        }
        // Basic indices (ints and slices) select each element at most once, so
        // the sum is index_add's own (Library.indexAdd runs the same addInPlace on its copy).
        guard items.allSatisfy({ if case .int = $0 { return true }; if case .slice = $0 { return true }; return false }),
              let components = try? Indexing.components(items) else { return false }
        return (try? Library.addInPlace(array, components, valueSlot.value())) ?? false
    }
}

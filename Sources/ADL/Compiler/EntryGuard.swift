// The entry guard of a function: a body that begins with a base case
//
//     def fib(n):
//         if n < 2:
//             return n
//
// compiles (after Peephole) to BRANCH_LK p K t cmp; JUMP_IF_FALSE t; RETURN_LOCAL q
// (or LOAD_CONST k; RETURN). A call fast path that knows the arguments can do that
// comparison itself: when it holds, the call's result is the parameter or constant,
// with no frame pushed and popped; when it fails, the callee's frame starts at t,
// past the branch. Both are exactly what running those instructions in the new frame
// would do: the comparison of two scalars cannot raise, a parameter is always bound,
// and the recursion limit, stack bound and interrupt poll are checked by the call
// before the guard is looked at. A comparison off the scalar fast path (an array, a
// traced value) makes the call run the callee from its first instruction as before.

/// What a caller needs to run a function's leading `if p cmp K: return q|K'`.
struct EntryGuard {
    /// The comparison of the BRANCH_LK; `.pop` for a function without a guard.
    var op: OpCode = .pop
    /// The compared parameter.
    var parameter = 0
    /// K: an int or float constant.
    var bound = Slot.none
    /// Where the body goes on when the comparison is false (the branch target).
    var skip = 0
    /// The parameter returned when the comparison holds, or -1 for `result`.
    var returnsParameter = -1
    /// The constant returned when `returnsParameter` is -1: never an object (no reference counting).
    var result = Slot.none

    /// For an int argument and an int bound (any comparison but !=): the comparison holds
    /// exactly when low <= argument <= high; `hasIntRange` false otherwise (or for an empty range).
    var hasIntRange = false
    var low = 0
    /// high - low, as the unsigned bound of x - low.
    var span: UInt = 0

    /// Whether the function has a guard.
    @inline(__always) var exists: Bool { op != .pop }

    /// Whether the guard holds for argument `x`: nil when the function has no guard or `x`
    /// is not a number the callee's BRANCH_LK would compare on its fast path (VM.compareFast).
    @inline(__always) func holds(for x: Slot) -> Bool? {
        if x.tag == .int && hasIntRange {
            // low <= x <= high as one unsigned comparison.
            return UInt(bitPattern: x.int &- low) <= span
        }
        return exists ? VM.compareFast(op, x, bound) : nil
    }

    /// The guard of sealed code of a function of `arity` parameters, or none.
    static func find(code: [Instruction], constants: UnsafeMutablePointer<Slot>, arity: Int) -> EntryGuard {
        var guardInfo = EntryGuard()
        guard code.count >= 3 else { return guardInfo }
        let branch = code[0]
        guard branch.op == .branchLocalConst, Int(branch.a) < arity,
              code[1].op == .jumpIfFalse, code[1].a == branch.c else { return guardInfo }
        let bound = constants[Int(branch.b)]
        guard bound.tag == .int || bound.tag == .float else { return guardInfo }
        let returns = code[2]
        if returns.op == .returnLocal, Int(returns.a) < arity {
            guardInfo.returnsParameter = Int(returns.a)
        } else if returns.op == .loadConst, code.count >= 4, code[3].op == .returnValue,
                  !constants[Int(returns.a)].isObject {
            guardInfo.result = constants[Int(returns.a)]
        } else {
            return guardInfo
        }
        guardInfo.op = branch.sub
        guardInfo.parameter = Int(branch.a)
        guardInfo.bound = bound
        guardInfo.skip = Int(branch.c)
        if bound.tag == .int {
            let k = bound.int
            let low: Int, high: Int
            switch branch.sub {
            case .less where k > Int.min: (low, high) = (Int.min, k - 1)
            case .lessEqual: (low, high) = (Int.min, k)
            case .greater where k < Int.max: (low, high) = (k + 1, Int.max)
            case .greaterEqual: (low, high) = (k, Int.max)
            case .equal: (low, high) = (k, k)
            default: return guardInfo  // != (two ranges) or an empty range: the general comparison
            }
            guardInfo.hasIntRange = true
            guardInfo.low = low
            guardInfo.span = UInt(bitPattern: high &- low)
        }
        return guardInfo
    }
}

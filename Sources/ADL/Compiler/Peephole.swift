// Fusion of common instruction sequences into one dispatch, done once when a
// function is sealed.
//
// A fused instruction replaces only the FIRST instruction of its sequence; the
// rest stay in place. Its fast path (scalar operands, no overflow) does the
// work of the whole sequence and skips over the others; anything else (arrays,
// traced values, overflow, an unassigned local) takes the slow path, which is
// exactly the replaced first instruction, and execution continues into the
// original followers. So the slow path cannot differ from unfused code, and
// errors keep the location of the instruction that raises them.
//
// A sequence is only fused when no jump lands inside it (after its first
// instruction): a jump there would skip the fused instruction.

enum Peephole {
    /// Rewrites `chunk.code` in place (once; fused code matches no pattern again).
    static func fuse(_ chunk: Chunk) {
        var code = chunk.code
        let targets = jumpTargets(code)
        func free(_ i: Int) -> Bool { i < code.count && !targets[i] }
        var i = 0
        while i < code.count {
            let ins = code[i]
            switch ins.op {
            case .binaryLocalConst, .binaryLocalLocal:
                // locals[x] = locals[x] op2 (locals[a] op K/locals[b]):  BINARY_LK/LL; BINARY_LS x op2; STORE_LOCAL x
                if free(i + 1), free(i + 2), isArithmetic(ins.sub),
                   code[i + 1].op == .binaryLocalStack, isArithmetic(code[i + 1].sub),
                   code[i + 2].op == .storeLocal, code[i + 2].a == code[i + 1].a {
                    var fused = ins
                    fused.op = ins.op == .binaryLocalConst ? .updateLocalConst : .updateLocalLocal
                    fused.c = code[i + 1].a
                    fused.sub2 = code[i + 1].sub
                    code[i] = fused
                    i += 3
                    continue
                }
                // Compare and branch:  BINARY_LK/LL cmp; JUMP_IF_FALSE t
                if free(i + 1), Operators.isComparison(ins.sub), code[i + 1].op == .jumpIfFalse {
                    var fused = ins
                    fused.op = ins.op == .binaryLocalConst ? .branchLocalConst : .branchLocalLocal
                    fused.c = code[i + 1].a
                    code[i] = fused
                    i += 2
                    continue
                }
            case .loadGlobal:
                // global op K:  LOAD_GLOBAL g; BINARY_SK K op
                if ins.b == 0, free(i + 1), code[i + 1].op == .binaryStackConst, isArithmetic(code[i + 1].sub) {
                    var fused = ins
                    fused.op = .binaryGlobalConst
                    fused.b = code[i + 1].b
                    fused.sub = code[i + 1].sub
                    code[i] = fused
                    i += 2
                    continue
                }
                // f(local op K):  LOAD_GLOBAL f; BINARY_LK a b op; CALL 1
                if free(i + 1), free(i + 2), code[i + 1].op == .binaryLocalConst, isArithmetic(code[i + 1].sub),
                   code[i + 2].op == .call, code[i + 2].a == 1 {
                    var fused = ins
                    fused.op = .callGlobalLocalConst
                    fused.b = code[i + 1].a
                    fused.c = code[i + 1].b
                    fused.sub = code[i + 1].sub
                    code[i] = fused
                    i += 3
                    continue
                }
            case .add, .sub, .mul, .div, .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                // BINARY; RETURN  (`return fib(n - 1) + fib(n - 2)`)
                if free(i + 1), code[i + 1].op == .returnValue {
                    var fused = ins
                    fused.op = .binaryReturn
                    fused.sub = ins.op
                    code[i] = fused
                    i += 2
                    continue
                }
                // BINARY; STORE_GLOBAL g  (`s = s + t` at module level)
                if free(i + 1), isArithmetic(ins.op), code[i + 1].op == .storeGlobal {
                    var fused = ins
                    fused.op = .binaryStoreGlobal
                    fused.sub = ins.op
                    fused.a = code[i + 1].a
                    code[i] = fused
                    i += 2
                    continue
                }
            case .loadLocal:
                // LOAD_LOCAL a; RETURN
                if free(i + 1), code[i + 1].op == .returnValue {
                    code[i].op = .returnLocal
                    i += 2
                    continue
                }
            default:
                break
            }
            i += 1
        }
        chunk.code = code
    }

    /// The operators whose scalar fast path never needs more than two slots (see VM.scalarFast).
    static func isArithmetic(_ op: OpCode) -> Bool {
        op == .add || op == .sub || op == .mul || op == .div
    }

    /// `targets[i]` is true when some instruction jumps (or loops back) to `i`.
    static func jumpTargets(_ code: [Instruction]) -> [Bool] {
        var targets = [Bool](repeating: false, count: code.count + 1)
        func mark(_ t: Int32) {
            if t >= 0, Int(t) < targets.count { targets[Int(t)] = true }
        }
        for ins in code {
            switch ins.op {
            case .jump, .loop, .jumpIfFalse, .jumpIfFalseOrPop, .jumpIfTrueOrPop, .forIterator:
                mark(ins.a)
            case .forRange, .forRangeStore, .rangeNext, .forRangeStoreGlobal, .rangeNextGlobal:
                mark(ins.b)
            case .branchLocalConst, .branchLocalLocal:
                mark(ins.c)
            case .fusedChain:
                mark(ins.b)
            default:
                break
            }
        }
        return targets
    }
}

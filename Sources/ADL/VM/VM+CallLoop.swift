// The call loop: a second, small dispatch loop for recursive scalar functions
// (`fib`, `ackermann`, mutual recursion over ints and floats). It runs only the
// fast paths of a handful of instructions (calls through CALL_GLOBAL_LK, returns,
// compare-and-branch, scalar arithmetic), so the compiler keeps its whole state
// (code, constants, locals, ip, sp, the frame buffer and depth) in registers
// across calls and returns, which the full loop in VM+Dispatch.swift, with its
// ~90 cases, cannot. Only int + and - and int comparisons are inlined here: float
// paths go through out-of-line calls (VM.intFirstFast), whose constants would
// otherwise take registers from the loop.
//
// It never raises and never calls out. Anything off its fast paths (an unknown
// instruction, an array or traced operand, an int overflow, an unbound local, a
// pending Ctrl-C, the recursion limit, a callee that is not a plain function of
// one parameter) makes it hand the frame back to the full loop AT that
// instruction: the full loop then runs the same instruction from the same state,
// so errors, tracebacks and the interrupt poll are exactly those of the full loop.
//
// The full loop enters it when a function whose code is all handled here
// (FunctionProto.runsInCallLoop) calls another such function (itself, mostly), after
// pushing the callee's frame, and only with no trace recording (nothing here can
// start one); entering and leaving cost about 40 instructions, which a call from
// other code (a loop calling a small function) would pay on every call. Frames it
// pushes are the full loop's frames: its CALL_GLOBAL_LK (entry guard, frame push)
// repeats the full loop's on its own registers, so a change to one is a change to both.

extension VM {
    /// Runs the innermost frame (just pushed by the full loop) and what it calls, on
    /// the fast paths, until an instruction needs the full loop (returns true: the full
    /// loop reloads `frames.top` and `self.sp` and goes on) or the frame count drops
    /// to `stopDepth` (returns false: the full loop returns, as its own RETURN would).
    @inline(never)
    func runCallLoop(stopDepth: Int) -> Bool {
        let stack = self.stack
        // Nothing here defines globals or changes the limits, so they are read once.
        let globalSlots = globals.slots
        let depthLimit = min(recursionLimit, frames.capacity)
        let stackCapacity = self.stackCapacity
        let frameBuffer = frames.frameBuffer
        var depth = frames.count

        let entry = frameBuffer[depth &- 1]
        var code = entry.code, constants = entry.constants
        var slots = stack + entry.base
        var ip = entry.ip
        var sp = self.sp

        // Hands the innermost frame to the full loop at instruction `at`.
        @inline(__always) func leave(at: Int) -> Bool {
            frameBuffer[depth &- 1].ip = at
            frames.setCount(depth)
            self.sp = sp
            return true
        }

        while true {
            let ins = code + ip
            ip &+= 1
            switch ins.pointee.op {
            case .callGlobalLocalConst:
                // CALL_GLOBAL_LK's fast path (VM+Dispatch.swift): a plain function of one
                // parameter called with a scalar argument.
                let callee = globalSlots[Int(ins.pointee.a)]
                guard callee.tag == .function else { return leave(at: ip &- 1) }
                unowned(unsafe) let function = callee.functionObject
                guard function.callArity == 1, depth < depthLimit, sp &+ 1 &+ function.frameSize < stackCapacity,
                      let argument = VM.intFirstFast(ins.pointee.sub, slots[Int(ins.pointee.b)], constants[Int(ins.pointee.c)]),
                      !interruptRequested.load(ordering: .relaxed)  // the full loop takes and raises it
                else { return leave(at: ip &- 1) }
                ip &+= 2  // past the CALL: the return point
                var entryIP = 0
                // EntryGuard.holds, with its int range read first and the rest out of line.
                let guardHolds: Bool?
                if argument.tag == .int && function.entryGuard.hasIntRange {
                    guardHolds = UInt(bitPattern: argument.int &- function.entryGuard.low) <= function.entryGuard.span
                } else {
                    guardHolds = VM.entryGuardHolds(function, argument)
                }
                if let holds = guardHolds {
                    if holds {
                        stack[sp] = function.entryGuard.returnsParameter == 0 ? argument : function.entryGuard.result
                        sp &+= 1
                        break
                    }
                    entryIP = function.entryGuard.skip
                }
                stack[sp] = Slot(tag: .borrowedFunction, bits: callee.bits)
                let base = sp &+ 1
                stack[base] = argument
                let extra = function.slotCount &- 1
                if extra > 0 { (stack + (base &+ 1)).initialize(repeating: .undefined, count: extra) }
                sp = base &+ function.slotCount
                let calleeCode = function.code.unsafelyUnwrapped  // sealed: callArity >= 0
                let calleeConstants = function.constants.unsafelyUnwrapped
                frameBuffer[depth &- 1].ip = ip
                (frameBuffer + depth).initialize(to: Frame(function: function, ip: entryIP, base: base,
                                                           code: calleeCode, constants: calleeConstants))
                depth &+= 1
                if !function.runsInCallLoop { return leave(at: entryIP) }
                code = calleeCode
                constants = calleeConstants
                slots = stack + base
                ip = entryIP

            case .binaryReturn:
                guard let v = VM.intFirstFast(ins.pointee.sub, stack[sp &- 2], stack[sp &- 1]) else {
                    return leave(at: ip &- 1)
                }
                sp &-= 2
                if let done = popFrame(v) { return done }
            case .returnLocal:
                let result = slots[Int(ins.pointee.a)]
                if result.tag == .undefined { return leave(at: ip &- 1) }
                result.retain()
                if let done = popFrame(result) { return done }
            case .returnValue:
                sp &-= 1
                if let done = popFrame(stack[sp]) { return done }

            case .branchLocalConst, .branchLocalLocal:
                let l = slots[Int(ins.pointee.a)]
                let r = ins.pointee.op == .branchLocalConst ? constants[Int(ins.pointee.b)] : slots[Int(ins.pointee.b)]
                let compared: Bool?
                if l.tag == .int && r.tag == .int {
                    compared = VM.compare(ins.pointee.sub, l.int, r.int)
                } else {
                    compared = VM.compareFastOutOfLine(ins.pointee.sub, l, r)
                }
                guard let holds = compared else { return leave(at: ip &- 1) }
                if !holds {
                    ip = Int(ins.pointee.c)
                } else {
                    ip &+= 1  // past the JUMP_IF_FALSE
                }
            case .jump:
                ip = Int(ins.pointee.a)
            case .jumpIfFalse:
                let c = stack[sp &- 1]
                guard c.tag == .bool else { return leave(at: ip &- 1) }
                sp &-= 1
                if c.bits == 0 { ip = Int(ins.pointee.a) }

            case .loadConst:
                let c = constants[Int(ins.pointee.a)]
                c.retain()
                stack[sp] = c
                sp &+= 1
            case .loadLocal:
                let v = slots[Int(ins.pointee.a)]
                if v.tag == .undefined { return leave(at: ip &- 1) }
                v.retain()
                stack[sp] = v
                sp &+= 1
            case .storeLocal:
                sp &-= 1
                let old = slots[Int(ins.pointee.a)]
                slots[Int(ins.pointee.a)] = stack[sp]
                old.release()
            case .pop:
                sp &-= 1
                stack[sp].release()

            case .add, .sub, .mul, .div, .floorDiv, .mod, .pow, .bitAnd, .bitOr, .bitXor,
                 .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                guard let v = VM.intFirstFast(ins.pointee.op, stack[sp &- 2], stack[sp &- 1]) else {
                    return leave(at: ip &- 1)
                }
                stack[sp &- 2] = v
                sp &-= 1
            case .binaryLocalConst, .binaryLocalLocal:
                let l = slots[Int(ins.pointee.a)]
                let r = ins.pointee.op == .binaryLocalConst ? constants[Int(ins.pointee.b)] : slots[Int(ins.pointee.b)]
                // An unbound local is never a scalar: the full loop raises.
                guard let v = VM.intFirstFast(ins.pointee.sub, l, r) else { return leave(at: ip &- 1) }
                stack[sp] = v
                sp &+= 1

            case .binaryStackConst, .binaryStackLocal:
                let r = ins.pointee.op == .binaryStackConst ? constants[Int(ins.pointee.b)] : slots[Int(ins.pointee.b)]
                guard let v = VM.intFirstFast(ins.pointee.sub, stack[sp &- 1], r) else { return leave(at: ip &- 1) }
                stack[sp &- 1] = v
            case .binaryLocalStack:
                guard let v = VM.intFirstFast(ins.pointee.sub, slots[Int(ins.pointee.a)], stack[sp &- 1]) else {
                    return leave(at: ip &- 1)
                }
                stack[sp &- 1] = v

            // Every other instruction (listed, so the switch needs no range check).
            case .deleteLocal, .loadCell, .storeCell, .makeCell, .loadFree, .storeFree, .loadGlobal, .storeGlobal,
                 .deleteGlobal, .loadBuiltin, .dup, .swap, .matmul, .isSame, .isNotSame, .negate, .plus, .invert,
                 .not, .loop, .jumpIfFalseOrPop, .jumpIfTrueOrPop, .rangePrepare, .forRange, .forRangeStore,
                 .rangeNext, .forRangeStoreGlobal, .rangeNextGlobal, .getIterator, .forIterator, .call,
                 .callKeywords, .makeFunction, .buildTuple, .buildList, .buildRecord, .buildSlice, .buildString,
                 .formatValue, .unpack, .getAttribute, .setAttribute, .getIndex, .setIndexLocal, .setIndexGlobal,
                 .setIndexCell, .setIndexFree, .deleteIndex, .printExpression, .fail, .runCommand, .guardTruth,
                 .guardEqual, .updateLocalConst, .updateLocalLocal, .binaryGlobalConst, .binaryStoreGlobal,
                 .fusedChain, .loadLocalMove, .indexAdd:
                return leave(at: ip &- 1)
            }
        }

        // Returns from the innermost frame as VM.popFrame does (locals and operands dropped,
        // `result` in the callee slot). nil: go on in the caller; false: the frame count
        // reached `stopDepth`; true: the caller is not all call-loop code (the full loop's).
        @inline(__always) func popFrame(_ result: Slot) -> Bool? {
            var p = slots
            let end = stack + sp
            while p < end {
                p.pointee.release()
                p += 1
            }
            let callee = slots - 1
            callee.pointee.release()
            callee.pointee = result
            sp = frameBuffer[depth &- 1].base
            depth &-= 1
            if depth <= stopDepth {
                frames.setCount(depth)
                self.sp = sp
                return false
            }
            let frame = frameBuffer[depth &- 1]
            if !frame.function.runsInCallLoop {
                frames.setCount(depth)
                self.sp = sp
                return true
            }
            code = frame.code
            constants = frame.constants
            slots = stack + frame.base
            ip = frame.ip
            return nil
        }
    }
}

extension VM {
    /// `function.entryGuard.holds(for: x)`, out of line (the call loop inlines the int range).
    @inline(never)
    static func entryGuardHolds(_ function: FunctionObject, _ x: Slot) -> Bool? {
        function.entryGuard.holds(for: x)
    }

    /// `compareFast`, out of line (the call loop inlines int comparisons).
    @inline(never)
    static func compareFastOutOfLine(_ op: OpCode, _ l: Slot, _ r: Slot) -> Bool? {
        compareFast(op, l, r)
    }

    /// Whether sealed `code` is all instructions the call loop runs, so that a call of
    /// its function stays there. The instructions a fused one stands for (and skips on
    /// its fast path) are not looked at: they run only when the call loop has handed the
    /// frame to the full loop.
    static func callLoopRuns(_ code: [Instruction]) -> Bool {
        var i = 0
        while i < code.count {
            switch code[i].op {
            case .callGlobalLocalConst:
                i += 3  // BINARY_LK; CALL
            case .branchLocalConst, .branchLocalLocal, .binaryReturn:
                i += 2  // JUMP_IF_FALSE, RETURN
            case .returnLocal:
                i += 2  // RETURN
            case .returnValue, .jump, .jumpIfFalse, .loadConst, .loadLocal, .storeLocal, .pop,
                 .add, .sub, .mul, .div, .floorDiv, .mod, .pow, .bitAnd, .bitOr, .bitXor,
                 .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual,
                 .binaryLocalConst, .binaryLocalLocal, .binaryStackConst, .binaryStackLocal, .binaryLocalStack:
                i += 1
            default:
                return false
            }
        }
        return true
    }
}

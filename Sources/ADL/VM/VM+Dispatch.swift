// The dispatch loop. Hot state (ip, sp, the frame's code, constants and
// locals) lives in locals; `self.sp` and `frames[last].ip` are written back
// before anything that can call out (builtins, user calls) or throw: the
// error handler unwinds from `self.sp`, so it must never be stale there.
//
// Values on the stack are `Slot`s (see Slot.swift for the ownership rules):
// ints, floats and bools move without reference counting, and the common
// scalar operations never leave the slot representation.

extension VM {
    /// Runs until the frame count drops to `stopDepth` (the frame that
    /// returns there leaves its result in its callee slot).
    func dispatch(stopDepth: Int) throws {
        // The innermost frame itself stays in `frames` (frames.top): the loop keeps only
        // what it uses on every instruction, so fewer values compete for registers.
        let entry = frames.top
        var code = entry.code, constants = entry.constants
        var slots = stack + entry.base
        var ip = entry.ip
        var sp = self.sp
        let stack = self.stack

        do {
            while true {
                // Fields are read where a case uses them (not all five up front).
                let ins = code + ip
                ip &+= 1
                switch ins.pointee.op {
                case .loadConst:
                    let c = constants[Int(ins.pointee.a)]
                    c.retain()
                    VM.push(stack, &sp, c)
                case .loadLocal:
                    let v = slots[Int(ins.pointee.a)]
                    if v.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                    v.retain()
                    VM.push(stack, &sp, v)
                case .loadLocalMove:
                    // The slot's reference moves to the stack: no retain, and the slot unbound.
                    let v = slots[Int(ins.pointee.a)]
                    if v.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                    slots[Int(ins.pointee.a)] = .undefined
                    VM.push(stack, &sp, v)
                case .storeLocal:
                    sp -= 1
                    let old = slots[Int(ins.pointee.a)]
                    slots[Int(ins.pointee.a)] = stack[sp]
                    old.release()
                case .deleteLocal:
                    let old = slots[Int(ins.pointee.a)]
                    if old.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                    slots[Int(ins.pointee.a)] = .undefined
                    old.release()
                case .loadCell:
                    guard slots[Int(ins.pointee.a)].tag == .cell else { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                    let v = slots[Int(ins.pointee.a)].cellObject.value
                    if case .undefined = v { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                    VM.push(stack, &sp, Slot(v))
                case .storeCell:
                    let v = VM.pop(stack, &sp)
                    if slots[Int(ins.pointee.a)].tag == .cell {
                        slots[Int(ins.pointee.a)].cellObject.value = v
                    } else {
                        let old = slots[Int(ins.pointee.a)]
                        slots[Int(ins.pointee.a)] = Slot(.cell(CellObject(v)))
                        old.release()
                    }
                case .makeCell:
                    let v = slots[Int(ins.pointee.a)].take()
                    slots[Int(ins.pointee.a)] = Slot(.cell(CellObject(v)))
                case .loadFree:
                    let v = frames.top.function.captured[Int(ins.pointee.a)].value
                    if case .undefined = v {
                        let name = frames.top.function.proto.freeNames[Int(ins.pointee.a)]
                        self.sp = sp
                        throw ADLError(.name, "free variable '\(name)' referenced before assignment in enclosing scope")
                    }
                    if let trace = activeTrace {
                        VM.push(stack, &sp, Slot(trace.readExternal(.cell(frames.top.function.captured[Int(ins.pointee.a)]), v)))
                    } else {
                        VM.push(stack, &sp, Slot(v))
                    }
                case .storeFree:
                    frames.top.function.captured[Int(ins.pointee.a)].value = VM.pop(stack, &sp)
                case .loadGlobal:
                    let v = globals.slots[Int(ins.pointee.a)]
                    if ins.pointee.b != 0, v.tag == .function, activeTrace == nil {
                        // The callee of a CALL: borrowed, as CALL_GLOBAL_LK's (SlotTag.borrowedFunction).
                        // Nothing between here and the CALL can rebind a global (only statements at
                        // module level do), and a frame running it keeps a retired function alive.
                        VM.push(stack, &sp, Slot(tag: .borrowedFunction, bits: v.bits))
                        break
                    }
                    guard let pushed = globalForPush(Int(ins.pointee.a), v) else {
                        self.sp = sp; throw undefinedGlobal(Int(ins.pointee.a))
                    }
                    VM.push(stack, &sp, pushed)
                case .storeGlobal:
                    sp -= 1
                    // A traced number of the scalar fast path becomes its array: globals outlive traces.
                    if stack[sp].tag == .traced { stack[sp] = Slot(stack[sp].value()) }
                    let old = globals.slots[Int(ins.pointee.a)]
                    globals.slots[Int(ins.pointee.a)] = stack[sp]
                    releaseGlobal(old)
                case .deleteGlobal:
                    let old = globals.slots[Int(ins.pointee.a)]
                    if old.tag == .undefined { self.sp = sp; throw undefinedGlobal(Int(ins.pointee.a)) }
                    globals.slots[Int(ins.pointee.a)] = .undefined
                    releaseGlobal(old)
                case .loadBuiltin:
                    VM.push(stack, &sp, Slot(.builtin(builtins.functions[Int(ins.pointee.a)])))
                case .pop:
                    sp -= 1
                    stack[sp].release()
                case .dup:
                    let top = stack[sp - 1]
                    top.retain()
                    VM.push(stack, &sp, top)
                case .swap:
                    let t = stack[sp - 1]
                    stack[sp - 1] = stack[sp - 2]
                    stack[sp - 2] = t

                case .add, .sub, .mul, .div, .floorDiv, .mod, .pow, .matmul, .bitAnd, .bitOr, .bitXor,
                     .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                    let r = stack[sp - 1]
                    let l = stack[sp - 2]
                    // Scalar fast paths stay in slots; everything else (arrays, overflow, ...) in `binary`.
                    if let v = VM.scalarFast(ins.pointee.op, l, r) {
                        stack[sp - 2] = v
                        sp -= 1
                    } else {
                        sp -= 2
                        self.sp = sp
                        frames.topIP = ip
                        VM.push(stack, &sp, try slowBinary(slots: ins.pointee.op, l, r, ownsLeft: true, ownsRight: true))
                    }
                case .binaryReturn:
                    // Fused BINARY sub; RETURN (see Peephole.swift): a scalar result is returned here.
                    let r = stack[sp - 1]
                    let l = stack[sp - 2]
                    if let v = VM.intFirstFast(ins.pointee.sub, l, r) {
                        sp -= 2
                        if !popFrame(v, stopDepth: stopDepth, &code, &constants, &slots, &ip, &sp) { return }
                    } else {
                        // As the BINARY it replaced; the RETURN follows.
                        sp -= 2
                        self.sp = sp
                        frames.topIP = ip
                        VM.push(stack, &sp, try slowBinary(slots: ins.pointee.sub, l, r, ownsLeft: true, ownsRight: true))
                    }
                case .isSame, .isNotSame:
                    let r = VM.pop(stack, &sp)
                    let l = VM.pop(stack, &sp)
                    let same = Operators.identical(l, r)
                    VM.push(stack, &sp, .bool(ins.pointee.op == .isSame ? same : !same))
                case .negate, .plus, .invert:
                    let x = stack[sp - 1]
                    if ins.pointee.op == .negate && x.tag == .float {
                        stack[sp - 1] = .float(-x.double)
                    } else {
                        sp -= 1
                        self.sp = sp
                        let v = try unary(ins.pointee.op, x.take())
                        VM.push(stack, &sp, Slot(v))
                    }
                case .not:
                    let x = stack[sp - 1]
                    if x.tag == .bool {
                        stack[sp - 1] = .bool(x.bits == 0)
                    } else {
                        sp -= 1
                        self.sp = sp
                        let t = try truth(x.take())
                        VM.push(stack, &sp, .bool(!t))
                    }

                case .jump:
                    ip = Int(ins.pointee.a)
                case .loop:
                    // Checked before jumping, so the error points at the loop.
                    if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                    ip = Int(ins.pointee.a)
                case .jumpIfFalse:
                    sp -= 1
                    let c = stack[sp]
                    if c.tag == .bool {
                        if c.bits == 0 { ip = Int(ins.pointee.a) }
                    } else {
                        self.sp = sp
                        if try !self.truth(c.take()) { ip = Int(ins.pointee.a) }
                    }
                case .jumpIfFalseOrPop, .jumpIfTrueOrPop:
                    let c = stack[sp - 1]
                    let truth: Bool
                    if c.tag == .bool {
                        truth = c.bits != 0
                    } else {
                        self.sp = sp
                        truth = try self.truth(c.value())
                    }
                    if truth == (ins.pointee.op == .jumpIfTrueOrPop) {
                        ip = Int(ins.pointee.a)
                    } else {
                        sp -= 1
                        c.release()
                    }
                case .rangePrepare:
                    let step = VM.pop(stack, &sp)
                    let stop = VM.pop(stack, &sp)
                    let start = VM.pop(stack, &sp)
                    self.sp = sp
                    let a = Int(ins.pointee.a)
                    let s = try Operators.rangeInt(step, "step")
                    if s == 0 { throw ADLError.value("range() arg 3 must not be zero") }
                    let first = try Operators.rangeInt(start, "start")
                    let last = try Operators.rangeInt(stop, "stop")
                    for k in 0..<3 { slots[a + k].release() }
                    slots[a] = .int(first)
                    slots[a + 1] = .int(last)
                    slots[a + 2] = .int(s)
                case .forRange:
                    if let i = VM.nextInRange(slots + Int(ins.pointee.a)) {
                        VM.push(stack, &sp, .int(i))
                    } else {
                        ip = Int(ins.pointee.b)
                    }
                case .forRangeStore, .rangeNext:
                    if let i = VM.nextInRange(slots + Int(ins.pointee.a)) {
                        if ins.pointee.op == .rangeNext {
                            if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                            ip = Int(ins.pointee.b)
                        }
                        let old = slots[Int(ins.pointee.c)]
                        slots[Int(ins.pointee.c)] = .int(i)
                        old.release()
                    } else if ins.pointee.op == .forRangeStore {
                        ip = Int(ins.pointee.b)
                    }
                case .forRangeStoreGlobal, .rangeNextGlobal:
                    // FOR_RANGE_STORE / RANGE_NEXT into a global (a module-level loop).
                    if let i = VM.nextInRange(slots + Int(ins.pointee.a)) {
                        if ins.pointee.op == .rangeNextGlobal {
                            if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                            ip = Int(ins.pointee.b)
                        }
                        let old = globals.slots[Int(ins.pointee.c)]
                        globals.slots[Int(ins.pointee.c)] = .int(i)
                        if old.isObject { releaseGlobal(old) }
                    } else if ins.pointee.op == .forRangeStoreGlobal {
                        ip = Int(ins.pointee.b)
                    }
                case .binaryGlobalConst:
                    // Fused LOAD_GLOBAL A; BINARY_SK B sub (see Peephole.swift).
                    let g = globals.slots[Int(ins.pointee.a)]
                    if activeTrace == nil, let v = VM.arithmeticFast(ins.pointee.sub, g, constants[Int(ins.pointee.b)]) {
                        VM.push(stack, &sp, v)
                        ip &+= 1
                        break
                    }
                    // As the LOAD_GLOBAL it replaced; the BINARY_SK follows.
                    guard let pushed = globalForPush(Int(ins.pointee.a), g) else {
                        self.sp = sp; throw undefinedGlobal(Int(ins.pointee.a))
                    }
                    VM.push(stack, &sp, pushed)
                case .binaryStoreGlobal:
                    // Fused BINARY sub; STORE_GLOBAL A (see Peephole.swift).
                    let r = stack[sp - 1]
                    let l = stack[sp - 2]
                    if let v = VM.arithmeticFast(ins.pointee.sub, l, r) {
                        sp -= 2
                        let old = globals.slots[Int(ins.pointee.a)]
                        globals.slots[Int(ins.pointee.a)] = v
                        if old.isObject { releaseGlobal(old) }
                        ip &+= 1
                    } else {
                        // As the BINARY it replaced; the STORE_GLOBAL follows.
                        sp -= 2
                        self.sp = sp
                        frames.topIP = ip
                        VM.push(stack, &sp, try slowBinary(slots: ins.pointee.sub, l, r, ownsLeft: true, ownsRight: true))
                    }
                case .binaryLocalStack:
                    let l = slots[Int(ins.pointee.a)]
                    if l.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                    let r = stack[sp - 1]
                    if let v = VM.scalarFast(ins.pointee.sub, l, r) {
                        stack[sp - 1] = v
                    } else {
                        sp -= 1
                        self.sp = sp
                        frames.topIP = ip
                        VM.push(stack, &sp, try slowBinary(slots: ins.pointee.sub, l, r, ownsLeft: false, ownsRight: true))
                    }
                case .binaryLocalConst, .binaryLocalLocal, .binaryStackConst, .binaryStackLocal:
                    let op = ins.pointee.sub
                    let fromStack = ins.pointee.op == .binaryStackConst || ins.pointee.op == .binaryStackLocal
                    let l: Slot
                    if fromStack {
                        l = stack[sp - 1]
                    } else {
                        l = slots[Int(ins.pointee.a)]
                        if l.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                    }
                    let r: Slot
                    if ins.pointee.op == .binaryLocalConst || ins.pointee.op == .binaryStackConst {
                        r = constants[Int(ins.pointee.b)]
                    } else {
                        r = slots[Int(ins.pointee.b)]
                        if r.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.b)) }
                    }
                    if let v = VM.scalarFast(op, l, r) {
                        if fromStack { stack[sp - 1] = v } else { VM.push(stack, &sp, v) }
                    } else {
                        // The stack operand is handed over; locals and constants are shared.
                        if fromStack { sp -= 1 }
                        self.sp = sp
                        frames.topIP = ip
                        VM.push(stack, &sp, try slowBinary(slots: op, l, r, ownsLeft: fromStack, ownsRight: false))
                    }
                case .updateLocalConst, .updateLocalLocal:
                    // Fused BINARY_LK/LL A B sub; BINARY_LS C sub2; STORE_LOCAL C (see Peephole.swift).
                    let ip0 = ip &- 1
                    let l = slots[Int(ins.pointee.a)]
                    let r = ins.pointee.op == .updateLocalConst ? constants[Int(ins.pointee.b)] : slots[Int(ins.pointee.b)]
                    if let t = VM.arithmeticFast(ins.pointee.sub, l, r) {
                        // A scalar result overwrites a scalar accumulator: nothing to release.
                        if let v = VM.arithmeticFast(ins.pointee.sub2, slots[Int(ins.pointee.c)], t) {
                            slots[Int(ins.pointee.c)] = v
                            ip &+= 2
                            // The last statement of a range loop body: do the RANGE_NEXT that
                            // comes next here, saving a dispatch per iteration (same steps, same order).
                            let next = code[ip]
                            if next.op == .rangeNext {
                                ip &+= 1
                                if let i = VM.nextInRange(slots + Int(next.a)) {
                                    if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                                    let old = slots[Int(next.c)]
                                    slots[Int(next.c)] = .int(i)
                                    old.release()
                                    ip = Int(next.b)
                                    // The loop body is this instruction alone (`for i in range(n): s = s + i * k`):
                                    // run the next iterations in one tight loop (VM+FusedLoops.swift).
                                    if ip == ip0 {
                                        switch VM.repeatUpdate(ins.pointee, next, slots: slots, constants: constants) {
                                        case .finished:
                                            ip = ip0 &+ 4
                                        case .slowPath:
                                            break  // ip0: this instruction again, through the dispatch
                                        case .interrupted:
                                            ip = ip0 &+ 4
                                            if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                                        }
                                    }
                                }
                            }
                        } else {
                            VM.push(stack, &sp, t)
                        }
                    } else {
                        // As the BINARY_LK/LL it replaced; BINARY_LS and STORE_LOCAL follow.
                        if l.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                        if r.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.b)) }
                        let v = try slowBinary(ins.pointee.sub, l, r, sp: sp, ip: ip)
                        VM.push(stack, &sp, v)
                    }
                case .branchLocalConst, .branchLocalLocal:
                    // Fused BINARY_LK/LL A B cmp; JUMP_IF_FALSE C (see Peephole.swift).
                    let l = slots[Int(ins.pointee.a)]
                    let r = ins.pointee.op == .branchLocalConst ? constants[Int(ins.pointee.b)] : slots[Int(ins.pointee.b)]
                    if let holds = VM.compareFast(ins.pointee.sub, l, r) {
                        if !holds {
                            ip = Int(ins.pointee.c)
                        } else if code[ip &+ 1].op == .returnLocal, slots[Int(code[ip &+ 1].a)].tag != .undefined {
                            // `if n < 2: return n`: the RETURN_LOCAL after the JUMP_IF_FALSE, done here.
                            let result = slots[Int(code[ip &+ 1].a)]
                            result.retain()
                            if !popFrame(result, stopDepth: stopDepth, &code, &constants, &slots, &ip, &sp) { return }
                        } else {
                            ip = ip &+ 1
                        }
                    } else {
                        if l.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                        if r.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.b)) }
                        let v = try slowBinary(ins.pointee.sub, l, r, sp: sp, ip: ip)
                        VM.push(stack, &sp, v)
                    }
                case .getIterator:
                    let x = VM.pop(stack, &sp)
                    self.sp = sp
                    let it = try Operators.iterator(try tracedRows(x) ?? x)
                    VM.push(stack, &sp, Slot(.iterator(it)))
                case .forIterator:
                    self.sp = sp
                    guard stack[sp - 1].tag == .iterator else {
                        throw ADLError.type("internal: FOR_ITER without an iterator")
                    }
                    if let next = try Operators.next(stack[sp - 1].iteratorObject) {
                        VM.push(stack, &sp, Slot(next))
                    } else {
                        sp -= 1
                        stack[sp].release()
                        ip = Int(ins.pointee.a)
                    }

                case .callGlobalLocalConst:
                    // Fused LOAD_GLOBAL A; BINARY_LK B C sub; CALL 1 (see Peephole.swift).
                    let callee = globals.slots[Int(ins.pointee.a)]
                    // A user function of one parameter, a scalar argument, no trace recording:
                    // the whole call here. The callee slot borrows the function from its global
                    // (no reference counting; see SlotTag.borrowedFunction).
                    if callee.tag == .function, activeTrace == nil {
                        unowned(unsafe) let function = callee.functionObject
                        if function.callArity == 1, frames.count < recursionLimit, sp &+ 1 &+ function.frameSize < stackCapacity,
                           let argument = VM.intFirstFast(ins.pointee.sub, slots[Int(ins.pointee.b)], constants[Int(ins.pointee.c)]) {
                            let calleeCode = function.code.unsafelyUnwrapped  // sealed: callArity >= 0
                            let calleeConstants = function.constants.unsafelyUnwrapped
                            ip &+= 2  // past the CALL: interrupts and the return point are the CALL's
                            if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                            // The callee's leading base case, run here (Compiler/EntryGuard.swift).
                            var entryIP = 0
                            if let holds = function.entryGuard.holds(for: argument) {
                                if holds {
                                    // Its result (the argument, or a scalar constant) without a frame.
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
                            self.sp = sp
                            // Recursive scalar code (a call-loop function calling one): the small loop
                            // (VM+CallLoop.swift) runs both, then the full loop goes on here.
                            let enterCallLoop = function.runsInCallLoop && frames.top.function.runsInCallLoop
                            frames.push(Frame(function: function, ip: entryIP, base: base, code: calleeCode, constants: calleeConstants),
                                        callerIP: ip)
                            if enterCallLoop {
                                if !runCallLoop(stopDepth: stopDepth) { return }
                                reloadFromTopFrame(&code, &constants, &slots, &ip, &sp)
                                break
                            }
                            code = calleeCode
                            constants = calleeConstants
                            slots = stack + base
                            ip = entryIP
                            break
                        }
                    }
                    // Otherwise: with the global defined, no trace recording and a scalar argument,
                    // push both and go on as the CALL (falling through), with ip past it.
                    if callee.tag != .undefined, activeTrace == nil,
                       let argument = VM.scalarFast(ins.pointee.sub, slots[Int(ins.pointee.b)], constants[Int(ins.pointee.c)]) {
                        callee.retain()
                        VM.push(stack, &sp, callee)
                        VM.push(stack, &sp, argument)
                        ip &+= 2
                        fallthrough
                    }
                    // Otherwise as the LOAD_GLOBAL it replaced; BINARY_LK and CALL follow.
                    guard let pushed = globalForPush(Int(ins.pointee.a), callee) else {
                        self.sp = sp; throw undefinedGlobal(Int(ins.pointee.a))
                    }
                    VM.push(stack, &sp, pushed)
                case .indexAdd:
                    if activeTrace == nil, VM.indexAddInPlace(stack, sp) {
                        sp -= 3
                        break
                    }
                    fallthrough
                case .call, .callKeywords:
                    if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                    // Fast path: a user function called with exactly its positional parameters.
                    // (CALL_GLOBAL_LK falls through to here with one argument.)
                    let argc = ins.pointee.op == .callGlobalLocalConst ? 1 : Int(ins.pointee.a)
                    let calleeSlot = stack[sp - argc - 1]
                    if ins.pointee.op != .callKeywords, calleeSlot.tag == .function || calleeSlot.tag == .borrowedFunction {
                        unowned(unsafe) let function = calleeSlot.functionObject
                        let base = sp &- argc
                        if argc == function.callArity, frames.count < recursionLimit, frames.count < frames.capacity,
                           base &+ function.frameSize < stackCapacity {
                            let calleeCode = function.code.unsafelyUnwrapped  // sealed: callArity >= 0
                            let calleeConstants = function.constants.unsafelyUnwrapped
                            // The callee's leading base case, run here (Compiler/EntryGuard.swift).
                            var entryIP = 0
                            if function.entryGuard.exists,
                               let holds = function.entryGuard.holds(for: stack[base &+ function.entryGuard.parameter]) {
                                if holds {
                                    // Its result without a frame; the arguments and callee dropped as RETURN would.
                                    let result: Slot
                                    if function.entryGuard.returnsParameter >= 0 {
                                        result = stack[base &+ function.entryGuard.returnsParameter]
                                        result.retain()
                                    } else {
                                        result = function.entryGuard.result
                                    }
                                    for i in (base &- 1)..<sp { stack[i].release() }
                                    stack[base &- 1] = result
                                    sp = base
                                    break
                                }
                                entryIP = function.entryGuard.skip
                            }
                            let extra = function.slotCount &- argc
                            if extra > 0 { (stack + sp).initialize(repeating: .undefined, count: extra) }
                            sp = base &+ function.slotCount
                            self.sp = sp
                            frames.push(Frame(function: function, ip: entryIP, base: base,
                                              code: calleeCode, constants: calleeConstants), callerIP: ip)
                            code = calleeCode
                            constants = calleeConstants
                            slots = stack + base
                            ip = entryIP
                            break
                        }
                    }
                    var names: [String] = []
                    if ins.pointee.op == .callKeywords, case .tuple(let t) = constants[Int(ins.pointee.b)].value() {
                        names = t.items.map { if case .string(let s) = $0 { return s.value } else { return "" } }
                    }
                    self.sp = sp
                    frames.topIP = ip
                    if try enterCall(argc: argc, keywordNames: names, location: nil) {
                        reloadFromTopFrame(&code, &constants, &slots, &ip, &sp)
                    } else {
                        sp = self.sp
                    }
                case .returnValue, .returnLocal:
                    let result: Slot
                    if ins.pointee.op == .returnLocal {
                        // LOAD_LOCAL A; RETURN in one: the local gets a reference of its own.
                        result = slots[Int(ins.pointee.a)]
                        if result.tag == .undefined { self.sp = sp; throw unboundLocal(Int(ins.pointee.a)) }
                        result.retain()
                    } else {
                        sp -= 1
                        result = stack[sp]
                    }
                    if !popFrame(result, stopDepth: stopDepth, &code, &constants, &slots, &ip, &sp) { return }
                case .makeFunction:
                    let proto = frames.top.function.proto.chunk.functions[Int(ins.pointee.a)]
                    let defaultCount = Int(ins.pointee.b)
                    var defaults: [Value] = []
                    defaults.reserveCapacity(defaultCount)
                    for i in 0..<defaultCount { defaults.append(stack[sp - defaultCount + i].take()) }
                    sp -= defaultCount
                    var captured: [CellObject] = []
                    captured.reserveCapacity(proto.captures.count)
                    for c in proto.captures {
                        if c.isLocal {
                            if slots[c.index].tag == .cell {
                                captured.append(slots[c.index].cellObject)
                            } else {
                                let cell = CellObject(slots[c.index].take())
                                slots[c.index] = Slot(.cell(cell))
                                captured.append(cell)
                            }
                        } else {
                            captured.append(frames.top.function.captured[c.index])
                        }
                    }
                    VM.push(stack, &sp, Slot(.function(FunctionObject(proto: proto, defaults: defaults, captured: captured))))

                case .buildTuple, .buildList, .buildString:
                    let n = Int(ins.pointee.a)
                    var items: [Value] = []
                    items.reserveCapacity(n)
                    for i in 0..<n { items.append(stack[sp - n + i].take()) }
                    sp -= n
                    self.sp = sp
                    let v: Value
                    switch ins.pointee.op {
                    case .buildTuple: v = .tuple(items)
                    case .buildList: v = try display(items)
                    default: v = .string(items.map { if case .string(let s) = $0 { return s.value } else { return "" } }.joined())
                    }
                    VM.push(stack, &sp, Slot(v))
                case .buildRecord:
                    let n = Int(ins.pointee.a)
                    let start = sp - 2 * n
                    self.sp = sp
                    for i in 0..<n where stack[start + 2 * i].tag != .string {
                        throw ADLError.type("record keys must be strings, not \(stack[start + 2 * i].value().typeName)")
                    }
                    let record = RecordObject()
                    for i in 0..<n {
                        let key = stack[start + 2 * i].take()
                        let value = stack[start + 2 * i + 1].take()
                        if case .string(let k) = key { record.set(k.value, value) }
                    }
                    sp = start
                    VM.push(stack, &sp, Slot(.record(record)))
                case .buildSlice:
                    let step = VM.pop(stack, &sp)
                    let stop = VM.pop(stack, &sp)
                    let start = VM.pop(stack, &sp)
                    VM.push(stack, &sp, Slot(.slice(SliceObject(start: start, stop: stop, step: step))))
                case .formatValue:
                    var spec: String?
                    if ins.pointee.a == 1, case .string(let s) = VM.pop(stack, &sp) { spec = s.value }
                    let x = VM.pop(stack, &sp)
                    self.sp = sp
                    let text = try Formatting.format(x, spec: spec, conversion: Int(ins.pointee.b))
                    VM.push(stack, &sp, Slot(.string(text)))
                case .unpack:
                    let x = VM.pop(stack, &sp)
                    self.sp = sp
                    let items = try Operators.unpack(try tracedRows(x) ?? x, count: Int(ins.pointee.a))
                    for item in items.reversed() { VM.push(stack, &sp, Slot(item)) }
                case .getAttribute:
                    let x = VM.pop(stack, &sp)
                    self.sp = sp
                    guard case .string(let name) = constants[Int(ins.pointee.a)].value() else { break }
                    frames.topIP = ip
                    let v = try tracedAttribute(x, name.value)
                    VM.push(stack, &sp, Slot(v))
                case .setAttribute:
                    let x = VM.pop(stack, &sp)
                    let v = VM.pop(stack, &sp)
                    self.sp = sp
                    guard case .string(let name) = constants[Int(ins.pointee.a)].value() else { break }
                    try setAttribute(x, name.value, v)
                case .getIndex:
                    let n = Int(ins.pointee.a)
                    // x[i] with one int on an array: the common case, without building index lists.
                    if n == 1, stack[sp - 2].tag == .array, stack[sp - 1].tag == .int, activeTrace == nil {
                        let i = stack[sp - 1].int
                        let base = stack[sp - 2].take()
                        sp -= 2
                        self.sp = sp
                        guard case .array(let a) = base else { break }
                        VM.push(stack, &sp, Slot(try VM.element(a, i)))
                        break
                    }
                    var indices: [Value] = []
                    indices.reserveCapacity(n)
                    for i in 0..<n { indices.append(stack[sp - n + i].take()) }
                    let base = stack[sp - n - 1].take()
                    sp -= n + 1
                    self.sp = sp
                    frames.topIP = ip
                    let v = try getIndex(base, indices)
                    VM.push(stack, &sp, Slot(v))
                case .setIndexLocal, .setIndexGlobal, .setIndexCell, .setIndexFree:
                    let n = Int(ins.pointee.a)
                    frames.topIP = ip
                    var indices: [Value] = []
                    indices.reserveCapacity(n)
                    for i in 0..<n { indices.append(stack[sp - n + i].take()) }
                    let value = stack[sp - n - 1].take()
                    sp -= n + 1
                    self.sp = sp
                    let slot = Int(ins.pointee.b)
                    switch ins.pointee.op {
                    case .setIndexLocal:
                        if slots[slot].tag == .undefined { throw unboundLocal(slot) }
                        // Move the variable out so a unique array is written in place.
                        var target = slots[slot].take()
                        slots[slot] = .none
                        defer { slots[slot] = Slot(target) }
                        try setIndex(&target, indices, value)
                    case .setIndexGlobal:
                        if globals.slots[slot].tag == .undefined { throw undefinedGlobal(slot) }
                        var target = globals.slots[slot].take()
                        globals.slots[slot] = .none
                        defer { globals.slots[slot] = Slot(target) }
                        try setIndex(&target, indices, value)
                    case .setIndexCell:
                        guard slots[slot].tag == .cell else { throw unboundLocal(slot) }
                        try setIndex(&slots[slot].cellObject.value, indices, value)
                    default:
                        try setIndex(&frames.top.function.captured[slot].value, indices, value)
                    }
                case .deleteIndex:
                    let n = Int(ins.pointee.a)
                    var indices: [Value] = []
                    for i in 0..<n { indices.append(stack[sp - n + i].take()) }
                    let base = stack[sp - n - 1].take()
                    sp -= n + 1
                    self.sp = sp
                    try Indexing.delete(base, indices)
                case .guardTruth:
                    let x = VM.pop(stack, &sp)
                    self.sp = sp
                    if try self.truth(x) != (ins.pointee.a != 0) { throw ADLError(.retrace, "a recorded branch went the other way") }
                case .fusedChain:
                    // Arrays/Fusion: the fused program, or on to the unfused code after this.
                    // It stands for calls (`sum`, the scatters of a gradient), so it polls Ctrl-C as CALL does.
                    if let error = VM.takeInterrupt() { self.sp = sp; throw error }
                    if let result = runFused(frames.top.function.proto.chunk.fusedKernels[Int(ins.pointee.a)],
                                             locals: slots, constants: constants) {
                        VM.push(stack, &sp, result)
                        ip = Int(ins.pointee.b)
                    }
                case .guardEqual:
                    let expected = VM.pop(stack, &sp)
                    let x = VM.pop(stack, &sp)
                    self.sp = sp
                    if !(try guardHolds(x, expected)) { throw ADLError(.retrace, "a recorded value changed") }
                case .fail:
                    self.sp = sp
                    let message = constants[Int(ins.pointee.a)].value()
                    var error = ADLError(.name, Formatting.str(message))
                    if case .string(let m) = message, let attr = m.value.split(separator: "'").dropFirst(3).first {
                        let names = builtins.names.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
                        if let s = Suggestions.closest(to: String(attr), among: names) { error.notes.append("did you mean '\(s)'?") }
                    }
                    throw error
                case .runCommand:
                    self.sp = sp
                    frames.topIP = ip
                    let name = Formatting.str(constants[Int(ins.pointee.a)].value())
                    let argument = Formatting.str(constants[Int(ins.pointee.b)].value())
                    let chunk = frames.top.function.proto.chunk
                    let at = chunk.locations[max(0, min(ip - 1, chunk.locations.count - 1))]
                    try runCommand(Command(name: name, argument: argument, location: at, file: chunk.file))
                case .printExpression:
                    let v = VM.pop(stack, &sp)
                    self.sp = sp
                    if !v.isNone {
                        write(Formatting.repr(v) + "\n")
                        echoed?(v)
                    }
                }
            }
        } catch {
            // `self.sp` is current at every throw site (see the note at the top).
            if !frames.isEmpty { frames.topIP = ip }
            throw annotate(error, frameIndex: frames.count - 1, ip: ip)
        }
    }

    /// Drops the reference of a value just replaced in a global (functions are retired,
    /// see Globals.retired; past `retiredLimit` of them, those no frame runs are released).
    @inline(__always)
    func releaseGlobal(_ old: Slot) {
        globals.release(old)
        if old.tag == .function && globals.retired.count > VM.retiredLimit { releaseRetiredFunctions() }
    }

    /// Returns from the innermost frame: drops its locals and operands, puts `result`
    /// (owned) in its callee slot and reloads the caller's state. False when the frame
    /// count has dropped to `stopDepth` (the dispatch loop returns).
    @inline(__always)
    func popFrame(_ result: Slot, stopDepth: Int, _ code: inout UnsafeMutablePointer<Instruction>,
                  _ constants: inout UnsafeMutablePointer<Slot>, _ slots: inout UnsafeMutablePointer<Slot>,
                  _ ip: inout Int, _ sp: inout Int) -> Bool {
        // Locals and operands (no range check: slots <= stack + sp always holds here).
        var p = slots
        let end = stack + sp
        while p < end {
            p.pointee.release()
            p += 1
        }
        let callee = slots - 1
        callee.pointee.release()
        callee.pointee = result
        sp = frames.top.base
        self.sp = sp
        frames.removeLast()
        if frames.count <= stopDepth { return false }
        let frame = frames.top
        code = frame.code
        constants = frame.constants
        slots = stack + frame.base
        ip = frame.ip
        return true
    }

    /// Reloads the dispatch loop's state from the innermost frame and `self.sp`: after a
    /// call pushed a frame, and after the call loop handed it back (VM+CallLoop.swift).
    @inline(__always)
    func reloadFromTopFrame(_ code: inout UnsafeMutablePointer<Instruction>, _ constants: inout UnsafeMutablePointer<Slot>,
                             _ slots: inout UnsafeMutablePointer<Slot>, _ ip: inout Int, _ sp: inout Int) {
        let frame = frames.top
        code = frame.code
        constants = frame.constants
        slots = stack + frame.base
        ip = frame.ip
        sp = self.sp
    }

    /// The counter of a range loop (`counter`, stop, step in three slots): its current
    /// value, advanced past; nil when the range is exhausted.
    @inline(__always)
    static func nextInRange(_ counter: UnsafeMutablePointer<Slot>) -> Int? {
        let i = counter[0].int, stop = counter[1].int, step = counter[2].int
        guard step > 0 ? i < stop : i > stop else { return nil }
        let (next, overflow) = i.addingReportingOverflow(step)
        counter[0] = .int(overflow ? stop : next)
        return i
    }

    /// The interrupt error when Ctrl-C was pressed since the last poll (clearing the flag).
    @inline(__always)
    static func takeInterrupt() -> ADLError? {
        guard interruptRequested.load(ordering: .relaxed) else { return nil }
        interruptRequested.store(false, ordering: .relaxed)
        return ADLError(.interrupt, "interrupted")
    }

    /// Pushes a slot that owns its reference.
    @inline(__always)
    static func push(_ stack: UnsafeMutablePointer<Slot>, _ sp: inout Int, _ s: Slot) {
        stack[sp] = s
        sp += 1
    }

    /// Pops the top as a `Value` that inherits the slot's reference.
    @inline(__always)
    static func pop(_ stack: UnsafeMutablePointer<Slot>, _ sp: inout Int) -> Value {
        sp -= 1
        return stack[sp].take()
    }

    /// `a[i]` for an int `i`: a scalar for 1-d arrays, a row otherwise.
    static func element(_ a: NDArray, _ i: Int) throws -> Value {
        if a.shape.count == 1 {
            let n = a.shape[0]
            let j = i < 0 ? i + n : i
            guard j >= 0, j < n else {
                throw ADLError.index("index \(i) is out of bounds for axis 0 with size \(n)")
            }
            let x = a.data[j]
            return a.isBool ? .bool(x != 0) : .float(x)
        }
        return Value.wrap(try a.get([.int(i)]))
    }

    /// `l op r` of two shared slots (locals or constants) off the fast path: arrays,
    /// traced values, overflow. Leaves the stack to the caller.
    @inline(never)
    func slowBinary(_ op: OpCode, _ l: Slot, _ r: Slot, sp: Int, ip: Int) throws -> Slot {
        self.sp = sp
        frames.topIP = ip
        if activeTrace != nil, let v = tracedScalarBinary(op, l, r) { return v }
        return Slot(try binary(op, l.value(), r.value()))
    }

    /// The slow path of the binary opcodes, out of line so the dispatch loop stays
    /// small: `l op r` as a new slot, traced numbers first (autodiff's scalar fast
    /// path). An owned operand's reference is consumed, a borrowed one (a local) copied.
    @inline(never)
    func slowBinary(slots op: OpCode, _ l: Slot, _ r: Slot, ownsLeft: Bool, ownsRight: Bool) throws -> Slot {
        if activeTrace != nil, let v = tracedScalarBinary(op, l, r) {
            if ownsLeft { l.release() }
            if ownsRight { r.release() }
            return v
        }
        let left = ownsLeft ? l.take() : l.value()
        let right = ownsRight ? r.take() : r.value()
        return Slot(try binary(op, left, right))
    }

    // MARK: - Error helpers (cold)

    /// What LOAD_GLOBAL pushes for global `index` holding `v`: `v` retained, or under a
    /// trace the trace's value for it (a constant of the trace, or an external input);
    /// nil when the global is unbound. Also the slow path of the fused instructions
    /// that replaced a LOAD_GLOBAL.
    @inline(__always)
    func globalForPush(_ index: Int, _ v: Slot) -> Slot? {
        if v.tag == .undefined { return nil }
        if let trace = activeTrace { return Slot(trace.readExternal(.global(index), v.value())) }
        v.retain()
        return v
    }

    @inline(never)
    func unboundLocal(_ slot: Int) -> ADLError {
        let names = frames.top.function.proto.localNames
        let name = slot < names.count ? names[slot] : "?"
        return ADLError(.name, "local variable '\(name)' referenced before assignment")
    }

    @inline(never)
    func undefinedGlobal(_ slot: Int) -> ADLError {
        let name = slot < globals.names.count ? globals.names[slot] : "?"
        var candidates = globals.definedNames
        candidates.append(contentsOf: frames.top.function.proto.localNames.filter { !$0.hasPrefix("$") })
        var error = ADLError(.name, "name '\(name)' is not defined")
        if let suggestion = Suggestions.closest(to: name, among: candidates) {
            error.notes.append("did you mean '\(suggestion)'?")
        }
        return error
    }
}

// The dispatch loop. Hot state (ip, sp, the frame's code, constants and
// locals) lives in locals; `self.sp` and `frames[last].ip` are written back
// before anything that can call out (builtins, user calls) or throw: the
// error handler unwinds from `self.sp`, so it must never be stale there.

extension VM {
    /// Runs until the frame count drops to `stopDepth` (the frame that
    /// returns there leaves its result in its callee slot).
    func dispatch(stopDepth: Int) throws {
        var frame = frames[frames.count - 1]
        var (code, constants) = frame.function.proto.chunk.sealed()
        var slots = stack + frame.base
        var ip = frame.ip
        var sp = self.sp
        let stack = self.stack

        @inline(__always) func reload() {
            frame = frames[frames.count - 1]
            (code, constants) = frame.function.proto.chunk.sealed()
            slots = stack + frame.base
            ip = frame.ip
            sp = self.sp
        }

        do {
            while true {
                let ins = code[ip]
                ip += 1
                switch ins.op {
                case .loadConst:
                    (stack + sp).initialize(to: constants[Int(ins.a)])
                    sp += 1
                case .loadLocal:
                    let v = slots[Int(ins.a)]
                    if case .undefined = v {
                        self.sp = sp; throw unboundLocal(frame, Int(ins.a))
                    }
                    (stack + sp).initialize(to: v)
                    sp += 1
                case .storeLocal:
                    sp -= 1
                    slots[Int(ins.a)] = (stack + sp).move()
                case .deleteLocal:
                    if case .undefined = slots[Int(ins.a)] { self.sp = sp; throw unboundLocal(frame, Int(ins.a)) }
                    slots[Int(ins.a)] = .undefined
                case .loadCell:
                    guard case .cell(let cell) = slots[Int(ins.a)] else { self.sp = sp; throw unboundLocal(frame, Int(ins.a)) }
                    if case .undefined = cell.value { self.sp = sp; throw unboundLocal(frame, Int(ins.a)) }
                    (stack + sp).initialize(to: cell.value)
                    sp += 1
                case .storeCell:
                    sp -= 1
                    let v = (stack + sp).move()
                    if case .cell(let cell) = slots[Int(ins.a)] {
                        cell.value = v
                    } else {
                        slots[Int(ins.a)] = .cell(CellObject(v))
                    }
                case .makeCell:
                    let v = slots[Int(ins.a)]
                    slots[Int(ins.a)] = .cell(CellObject(v))
                case .loadFree:
                    let v = frame.function.captured[Int(ins.a)].value
                    if case .undefined = v {
                        let name = frame.function.proto.freeNames[Int(ins.a)]
                        self.sp = sp
                        throw ADLError(.name, "free variable '\(name)' referenced before assignment in enclosing scope")
                    }
                    (stack + sp).initialize(to: v)
                    sp += 1
                case .storeFree:
                    sp -= 1
                    frame.function.captured[Int(ins.a)].value = (stack + sp).move()
                case .loadGlobal:
                    let v = globals.values[Int(ins.a)]
                    if case .undefined = v { self.sp = sp; throw undefinedGlobal(Int(ins.a), frame: frame) }
                    (stack + sp).initialize(to: v)
                    sp += 1
                case .storeGlobal:
                    sp -= 1
                    globals.values[Int(ins.a)] = (stack + sp).move()
                case .deleteGlobal:
                    if case .undefined = globals.values[Int(ins.a)] { self.sp = sp; throw undefinedGlobal(Int(ins.a), frame: frame) }
                    globals.values[Int(ins.a)] = .undefined
                case .loadBuiltin:
                    (stack + sp).initialize(to: .builtin(builtins.functions[Int(ins.a)]))
                    sp += 1
                case .pop:
                    sp -= 1
                    (stack + sp).deinitialize(count: 1)
                case .dup:
                    (stack + sp).initialize(to: stack[sp - 1])
                    sp += 1
                case .swap:
                    let t = (stack + sp - 1).move()
                    (stack + sp - 1).moveInitialize(from: stack + sp - 2, count: 1)
                    (stack + sp - 2).initialize(to: t)

                case .add, .sub, .mul, .div, .floorDiv, .mod, .pow, .matmul, .bitAnd, .bitOr, .bitXor,
                     .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                    let r = (stack + sp - 1).move()
                    let l = (stack + sp - 2).move()
                    sp -= 2
                    // Scalar fast paths; everything else (arrays, ints that may overflow) in `binary`.
                    if let v = Operators.numericFast(ins.op, l, r) {
                        (stack + sp).initialize(to: v)
                    } else {
                        self.sp = sp
                        frames[frames.count - 1].ip = ip
                        let v = try binary(ins.op, l, r)
                        (stack + sp).initialize(to: v)
                    }
                    sp += 1
                case .isSame, .isNotSame:
                    let r = (stack + sp - 1).move()
                    let l = (stack + sp - 2).move()
                    sp -= 2
                    let same = Operators.identical(l, r)
                    (stack + sp).initialize(to: .bool(ins.op == .isSame ? same : !same))
                    sp += 1
                case .negate, .plus, .invert:
                    let x = (stack + sp - 1).move()
                    sp -= 1
                    self.sp = sp
                    let v = try unary(ins.op, x)
                    (stack + sp).initialize(to: v)
                    sp += 1
                case .not:
                    let x = (stack + sp - 1).move()
                    sp -= 1
                    self.sp = sp
                    let t = try Operators.truth(x)
                    (stack + sp).initialize(to: .bool(!t))
                    sp += 1

                case .jump:
                    ip = Int(ins.a)
                case .loop:
                    ip = Int(ins.a)
                    if interruptRequested.load(ordering: .relaxed) {
                        interruptRequested.store(false, ordering: .relaxed)
                        self.sp = sp
                        throw ADLError(.interrupt, "interrupted")
                    }
                case .jumpIfFalse:
                    sp -= 1
                    let c = (stack + sp).move()
                    if case .bool(let b) = c {
                        if !b { ip = Int(ins.a) }
                    } else {
                        self.sp = sp
                        if try !Operators.truth(c) { ip = Int(ins.a) }
                    }
                case .jumpIfFalseOrPop:
                    self.sp = sp
                    if try !Operators.truth(stack[sp - 1]) {
                        ip = Int(ins.a)
                    } else {
                        sp -= 1
                        (stack + sp).deinitialize(count: 1)
                    }
                case .jumpIfTrueOrPop:
                    self.sp = sp
                    if try Operators.truth(stack[sp - 1]) {
                        ip = Int(ins.a)
                    } else {
                        sp -= 1
                        (stack + sp).deinitialize(count: 1)
                    }
                case .rangePrepare:
                    let step = (stack + sp - 1).move()
                    let stop = (stack + sp - 2).move()
                    let start = (stack + sp - 3).move()
                    sp -= 3
                    self.sp = sp
                    let a = Int(ins.a)
                    slots[a] = .int(try Operators.rangeInt(start, "start"))
                    slots[a + 1] = .int(try Operators.rangeInt(stop, "stop"))
                    let s = try Operators.rangeInt(step, "step")
                    if s == 0 { throw ADLError.value("range() arg 3 must not be zero") }
                    slots[a + 2] = .int(s)
                case .forRange:
                    let a = Int(ins.a)
                    guard case .int(let i) = slots[a], case .int(let stop) = slots[a + 1],
                          case .int(let step) = slots[a + 2] else {
                        ip = Int(ins.b)
                        break
                    }
                    if step > 0 ? i < stop : i > stop {
                        (stack + sp).initialize(to: .int(i))
                        sp += 1
                        let (next, overflow) = i.addingReportingOverflow(step)
                        slots[a] = overflow ? .int(stop) : .int(next)
                    } else {
                        ip = Int(ins.b)
                    }
                case .getIterator:
                    let x = (stack + sp - 1).move()
                    sp -= 1
                    self.sp = sp
                    let it = try Operators.iterator(x)
                    (stack + sp).initialize(to: .iterator(it))
                    sp += 1
                case .forIterator:
                    self.sp = sp
                    guard case .iterator(let it) = stack[sp - 1] else {
                        throw ADLError.type("internal: FOR_ITER without an iterator")
                    }
                    if let next = try Operators.next(it) {
                        (stack + sp).initialize(to: next)
                        sp += 1
                    } else {
                        sp -= 1
                        (stack + sp).deinitialize(count: 1)
                        ip = Int(ins.a)
                    }

                case .call, .callKeywords:
                    if interruptRequested.load(ordering: .relaxed) {
                        interruptRequested.store(false, ordering: .relaxed)
                        self.sp = sp
                        throw ADLError(.interrupt, "interrupted")
                    }
                    var names: [String] = []
                    if ins.op == .callKeywords, case .tuple(let t) = constants[Int(ins.b)] {
                        names = t.items.map { if case .string(let s) = $0 { return s.value } else { return "" } }
                    }
                    self.sp = sp
                    frames[frames.count - 1].ip = ip
                    if try enterCall(argc: Int(ins.a), keywordNames: names, location: nil) {
                        reload()
                    } else {
                        sp = self.sp
                    }
                case .returnValue:
                    let result = (stack + sp - 1).move()
                    sp -= 1
                    let base = frame.base
                    (stack + base).deinitialize(count: sp - base)
                    stack[base - 1] = result
                    sp = base
                    self.sp = sp
                    frames.removeLast()
                    if frames.count <= stopDepth { return }
                    reload()
                case .makeFunction:
                    let proto = frame.function.proto.chunk.functions[Int(ins.a)]
                    let defaultCount = Int(ins.b)
                    var defaults: [Value] = []
                    defaults.reserveCapacity(defaultCount)
                    for i in 0..<defaultCount { defaults.append((stack + sp - defaultCount + i).move()) }
                    sp -= defaultCount
                    var captured: [CellObject] = []
                    captured.reserveCapacity(proto.captures.count)
                    for c in proto.captures {
                        if c.isLocal {
                            if case .cell(let cell) = slots[c.index] {
                                captured.append(cell)
                            } else {
                                let cell = CellObject(slots[c.index])
                                slots[c.index] = .cell(cell)
                                captured.append(cell)
                            }
                        } else {
                            captured.append(frame.function.captured[c.index])
                        }
                    }
                    let f = FunctionObject(proto: proto, defaults: defaults, captured: captured)
                    (stack + sp).initialize(to: .function(f))
                    sp += 1

                case .buildTuple, .buildList, .buildString:
                    let n = Int(ins.a)
                    var items: [Value] = []
                    items.reserveCapacity(n)
                    for i in 0..<n { items.append((stack + sp - n + i).move()) }
                    sp -= n
                    self.sp = sp
                    let v: Value
                    switch ins.op {
                    case .buildTuple: v = .tuple(items)
                    case .buildList: v = try Operators.display(items)
                    default: v = .string(items.map { if case .string(let s) = $0 { return s.value } else { return "" } }.joined())
                    }
                    (stack + sp).initialize(to: v)
                    sp += 1
                case .buildRecord:
                    let n = Int(ins.a)
                    let start = sp - 2 * n
                    self.sp = sp
                    for i in 0..<n {
                        guard case .string = stack[start + 2 * i] else {
                            throw ADLError.type("record keys must be strings, not \(stack[start + 2 * i].typeName)")
                        }
                    }
                    let record = RecordObject()
                    for i in 0..<n {
                        let key = (stack + start + 2 * i).move()
                        let value = (stack + start + 2 * i + 1).move()
                        if case .string(let k) = key { record.set(k.value, value) }
                    }
                    sp = start
                    (stack + sp).initialize(to: .record(record))
                    sp += 1
                case .buildSlice:
                    let step = (stack + sp - 1).move()
                    let stop = (stack + sp - 2).move()
                    let start = (stack + sp - 3).move()
                    sp -= 3
                    (stack + sp).initialize(to: .slice(SliceObject(start: start, stop: stop, step: step)))
                    sp += 1
                case .formatValue:
                    var spec: String?
                    if ins.a == 1 {
                        sp -= 1
                        if case .string(let s) = (stack + sp).move() { spec = s.value }
                    }
                    let x = (stack + sp - 1).move()
                    sp -= 1
                    self.sp = sp
                    let text = try Formatting.format(x, spec: spec, repr: ins.b == 1)
                    (stack + sp).initialize(to: .string(text))
                    sp += 1
                case .unpack:
                    let x = (stack + sp - 1).move()
                    sp -= 1
                    self.sp = sp
                    let items = try Operators.unpack(x, count: Int(ins.a))
                    for item in items.reversed() {
                        (stack + sp).initialize(to: item)
                        sp += 1
                    }
                case .getAttribute:
                    let x = (stack + sp - 1).move()
                    sp -= 1
                    self.sp = sp
                    guard case .string(let name) = constants[Int(ins.a)] else { break }
                    let v = try attribute(x, name.value)
                    (stack + sp).initialize(to: v)
                    sp += 1
                case .setAttribute:
                    let x = (stack + sp - 1).move()
                    let v = (stack + sp - 2).move()
                    sp -= 2
                    self.sp = sp
                    guard case .string(let name) = constants[Int(ins.a)] else { break }
                    try setAttribute(x, name.value, v)
                case .getIndex:
                    let n = Int(ins.a)
                    var indices: [Value] = []
                    indices.reserveCapacity(n)
                    for i in 0..<n { indices.append((stack + sp - n + i).move()) }
                    let base = (stack + sp - n - 1).move()
                    sp -= n + 1
                    self.sp = sp
                    let v = try Indexing.get(base, indices)
                    (stack + sp).initialize(to: v)
                    sp += 1
                case .setIndexLocal, .setIndexGlobal, .setIndexCell, .setIndexFree:
                    let n = Int(ins.a)
                    var indices: [Value] = []
                    indices.reserveCapacity(n)
                    for i in 0..<n { indices.append((stack + sp - n + i).move()) }
                    let value = (stack + sp - n - 1).move()
                    sp -= n + 1
                    self.sp = sp
                    let slot = Int(ins.b)
                    switch ins.op {
                    case .setIndexLocal:
                        if case .undefined = slots[slot] { self.sp = sp; throw unboundLocal(frame, slot) }
                        try Indexing.set(&slots[slot], indices, value)
                    case .setIndexGlobal:
                        if case .undefined = globals.values[slot] { self.sp = sp; throw undefinedGlobal(slot, frame: frame) }
                        try Indexing.set(&globals.values[slot], indices, value)
                    case .setIndexCell:
                        guard case .cell(let cell) = slots[slot] else { self.sp = sp; throw unboundLocal(frame, slot) }
                        try Indexing.set(&cell.value, indices, value)
                    default:
                        let cell = frame.function.captured[slot]
                        try Indexing.set(&cell.value, indices, value)
                    }
                case .deleteIndex:
                    let n = Int(ins.a)
                    var indices: [Value] = []
                    for i in 0..<n { indices.append((stack + sp - n + i).move()) }
                    let base = (stack + sp - n - 1).move()
                    sp -= n + 1
                    self.sp = sp
                    try Indexing.delete(base, indices)
                case .fail:
                    self.sp = sp
                    let message = constants[Int(ins.a)]
                    var error = ADLError(.name, Formatting.str(message))
                    if case .string(let m) = message, let attr = m.value.split(separator: "'").dropFirst(3).first {
                        let names = builtins.names.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
                        if let s = Suggestions.closest(to: String(attr), among: names) { error.notes.append("did you mean '\(s)'?") }
                    }
                    throw error
                case .printExpression:
                    sp -= 1
                    let v = (stack + sp).move()
                    self.sp = sp
                    if !v.isNone {
                        write(Formatting.repr(v) + "\n")
                    }
                }
            }
        } catch {
            // `self.sp` is current at every throw site (see the note at the top).
            if !frames.isEmpty { frames[frames.count - 1].ip = ip }
            throw annotate(error, frameIndex: frames.count - 1, ip: ip)
        }
    }

    // MARK: - Error helpers (cold)

    @inline(never)
    func unboundLocal(_ frame: Frame, _ slot: Int) -> ADLError {
        let names = frame.function.proto.localNames
        let name = slot < names.count ? names[slot] : "?"
        return ADLError(.name, "local variable '\(name)' referenced before assignment")
    }

    @inline(never)
    func undefinedGlobal(_ slot: Int, frame: Frame) -> ADLError {
        let name = slot < globals.names.count ? globals.names[slot] : "?"
        var candidates = globals.definedNames
        candidates.append(contentsOf: frame.function.proto.localNames.filter { !$0.hasPrefix("$") })
        var error = ADLError(.name, "name '\(name)' is not defined")
        if let suggestion = Suggestions.closest(to: name, among: candidates) {
            error.notes.append("did you mean '\(suggestion)'?")
        }
        return error
    }
}

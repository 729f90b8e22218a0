// The scalar fast path of instrumented execution. A loop of scalar maths
// under `grad` (B10: `x = x - 0.01 * sin(x) * x`, 1000 times) records
// thousands of nodes whose values are single numbers; as 0-d arrays each
// costs an object, a buffer, a hash-table entry and its freeing, though the
// first call's lean sweep (LeanReverse) only needs the numbers.
//
// So the VM keeps such a traced number in a slot of its own kind
// (`SlotTag.traced`: this trace's serial and the node, no object), and the
// node holds the number (`Node.isLazy`). The node is recorded exactly as the
// general path would record it (same primitive, operands, constants, CSE,
// location), so the trace is the same; only its 0-d array is made later,
// when anything needs it as a value: the slot leaving the fast path
// (`Slot.value()`, a builtin's argument, a global), or `nodes` being read
// (the reverse pass, lowering, printing). What the fast path does not cover
// (comparisons, bools, arrays, keywords, `grad f` printing) takes the
// general path with the slot made a value first.

extension Trace {
    /// False sends every traced number down the general path (tests compare the two).
    nonisolated(unsafe) static var recordsScalarsLazily = true

    // MARK: Which trace a lazy slot belongs to

    /// The live traces by serial (unowned: a trace unregisters in deinit).
    nonisolated(unsafe) private static var live: [UInt32: Unmanaged<Trace>] = [:]
    nonisolated(unsafe) private static var nextSerial: UInt32 = 0

    static func newSerial() -> UInt32 {
        nextSerial &+= 1
        return nextSerial
    }

    static func register(_ trace: Trace) {
        live[trace.serial] = Unmanaged.passUnretained(trace)
    }

    static func unregister(_ serial: UInt32) {
        live[serial] = nil
    }

    /// The slot of lazy node `n`.
    @inline(__always)
    func slot(ofLazy n: Int) -> Slot {
        Slot(tag: .traced, bits: UInt64(serial) << 32 | UInt64(UInt32(truncatingIfNeeded: n)))
    }

    /// The value of a `.traced` slot: its node's 0-d array (made now if lazy).
    /// Out of line: Slot's conversions stay as small as they were.
    @inline(never)
    static func value(ofLazySlot bits: UInt64) -> Value {
        guard let trace = live[UInt32(truncatingIfNeeded: bits >> 32)]?.takeUnretainedValue() else {
            // A lazy slot never outlives its trace (see STORE_GLOBAL); should one, it is no value.
            return .undefined
        }
        let n = Int(UInt32(truncatingIfNeeded: bits))
        guard n < trace.storage.count else { return .undefined }
        trace.materialize(n)
        return trace.storage[n].value
    }

    // MARK: Making the arrays

    /// Gives lazy node `n` its 0-d array (the one the general path would have made).
    func materialize(_ n: Int) {
        guard storage[n].isLazy, case .float(let x) = storage[n].value else { return }
        let a = NDArray.scalar(x)
        storage[n].value = .array(a)
        storage[n].isLazy = false
        nodeOf[ObjectIdentifier(a)] = n
        lazyCount -= 1
    }

    func materializeAll() {
        var n = firstLazy
        while lazyCount > 0 && n < storage.count {
            materialize(n)
            n += 1
        }
        firstLazy = storage.count
    }

    /// The number of node `n` when it is a traced float number (lazy or a 0-d
    /// float array), nil otherwise. Does not make arrays.
    func tracedNumber(_ n: Int) -> Double? {
        if storage[n].isLazy, case .float(let x) = storage[n].value { return x }
        if case .array(let a) = storage[n].value, a.shape.isEmpty, !a.isBool, nodeOf[ObjectIdentifier(a)] == n {
            return a.data[0]
        }
        return nil
    }

    /// Elements held by the nodes' values, lazy numbers counted as one each.
    var heldElements: Int {
        var total = 0
        for node in storage {
            if node.isLazy { total += 1 } else if case .array(let a) = node.value { total += a.count }
        }
        return total
    }

    // MARK: Recording

    /// An operand of the fast path: its number, and its node if traced (-1 for
    /// a constant, whose node is made only once both operands qualify). Plain
    /// data: nothing to retain or destroy per operation.
    struct ScalarOperand {
        var x: Double
        var node: Int
        /// An untraced int operand: its value (`x` is its Double). Nil: a float.
        var int: Int?
        var isTraced: Bool { node >= 0 }
    }

    /// `s` as an operand of the fast path, nil when the general path must take it.
    @inline(__always)
    func scalarOperand(_ s: Slot) -> ScalarOperand? {
        switch s.tag {
        case .traced:
            guard UInt32(truncatingIfNeeded: s.bits >> 32) == serial else { return nil }
            let n = Int(UInt32(truncatingIfNeeded: s.bits))
            guard n < storage.count else { return nil }
            // A lazy number (the usual case) without a call; otherwise as `tracedNumber`.
            if storage[n].isLazy, case .float(let x) = storage[n].value { return ScalarOperand(x: x, node: n, int: nil) }
            guard let x = tracedNumber(n) else { return nil }
            return ScalarOperand(x: x, node: n, int: nil)
        case .float:
            return ScalarOperand(x: s.double, node: -1, int: nil)
        case .int:
            return ScalarOperand(x: Double(s.int), node: -1, int: s.int)
        case .array:
            guard case .array(let a) = s.value(), a.shape.isEmpty, !a.isBool,
                  let n = nodeOf[ObjectIdentifier(a)] else { return nil }
            return ScalarOperand(x: a.data[0], node: n, int: nil)
        default:
            return nil
        }
    }

    /// The node of an operand, recording its constant (as `operand` does).
    @inline(__always)
    private func node(_ o: ScalarOperand) -> Int {
        if o.isTraced { return o.node }
        if let i = o.int { return constant(.int(i)) }
        return constant(.float(o.x))
    }

    /// Records a pure operation with the number `x` as its traced result, or
    /// finds it recorded already (CSE, as `add`); the result's slot.
    /// `kind` and `builtin` are those of the node's CSE key (NodeKey), made only if it is looked up.
    /// Inlined into its two callers, where `primitive` is a known case (nothing to copy generically).
    @inline(__always)
    private func recordLazy(_ primitive: Primitive, kind: Int, builtin: UInt, _ ids: Operands, _ x: Double) -> Slot {
        let next = storage.count
        // A twin has the same operands, so it came after each of them. In a loop of
        // scalar maths most operations have the last node as an operand (`sin(x)` of the
        // `x` just computed, then `0.01 * sin(x)`, then that `* x`): no node comes after
        // it, so no twin can exist, and the node's entry in the CSE table waits until
        // something looks there (`unindexed`).
        let last = next - 1
        let mayHaveTwin: Bool
        switch ids.count {
        case 1: mayHaveTwin = ids[0] != last
        case 2: mayHaveTwin = ids[0] != last && ids[1] != last
        default: mayHaveTwin = true
        }
        if mayHaveTwin {
            if !unindexed.isEmpty { indexUnindexed() }
            let key = NodeKey(kind, ids, builtin: builtin, keywords: 0)
            let hash = key.hash
            // The node's index is known before it is appended: look for its twin and
            // enter it in one go.
            if let n = pureNodes.find(key, hash: hash, orInsert: next) {
                if storage[n].isLazy { return slot(ofLazy: n) }
                if case .array(let a) = storage[n].value { return Slot(.array(a)) }
                pureNodes.set(key, hash: hash, next)
            }
        } else {
            unindexed.append(next)
        }
        if storage.count == storage.capacity && storage.count >= 512 {
            // A long scalar loop: grow the nodes eightfold (fourfold past 4096) rather than
            // twofold, so that fewer are copied on the way (B10: 512 → 4096, one copy).
            storage.reserveCapacity((storage.count < 4096 ? 8 : 4) * storage.count)
        }
        // As `append` (a lazy node leaves `isScalarTape` as it is).
        storage.append(Node(primitive: primitive, operands: ids, value: .float(x), location: location, isLazy: true))
        lazyCount += 1
        return slot(ofLazy: next)
    }

    /// `l op r` for an arithmetic operator with a traced number among numbers;
    /// nil (nothing recorded) when the general path must do it.
    func scalarBinary(_ op: OpCode, _ l: ScalarOperand, _ r: ScalarOperand) -> Slot? {
        guard let e = Operators.elementwise(op) else { return nil }
        // As VM.binary computes two floats.
        let x = e.apply(l.x, r.x)
        let first = node(l)
        let ids = Operands(first, node(r))
        return recordLazy(.binary(op), kind: Int(op.rawValue), builtin: 0, ids, x)
    }

    /// `f(a)` for a unary maths builtin of a traced number (as tracedCall).
    func scalarCall(_ builtin: BuiltinFunction, _ op: ElementwiseUnary, _ a: ScalarOperand) -> Slot? {
        // (The unary maths builtins of `scalarUnary` are all pure: no `isPure` lookup.)
        guard !op.yieldsBool else { return nil }
        guard case .float(let x) = Library.scalarResult(op.apply(a.x), bool: false) else { return nil }
        let ids = Operands(a.node)
        return recordLazy(.call(builtin, keywords: []), kind: Trace.callKind,
                          builtin: UInt(bitPattern: ObjectIdentifier(builtin)), ids, x)
    }
}

extension VM {
    /// The arithmetic operators the scalar fast path records (float results).
    @inline(__always)
    static func isScalarTraceable(_ op: OpCode) -> Bool {
        switch op {
        case .add, .sub, .mul, .div, .pow: return true
        default: return false
        }
    }

    /// BINARY off the slot fast paths, while tracing: the scalar fast path of
    /// the trace when it applies (nil otherwise: the general path follows).
    /// `frames.topIP` must be current (the node's location). Operands are not consumed.
    @inline(never)
    func tracedScalarBinary(_ op: OpCode, _ l: Slot, _ r: Slot) -> Slot? {
        guard let trace = activeTrace, Trace.recordsScalarsLazily, VM.isScalarTraceable(op),
              l.tag == .traced || r.tag == .traced || l.tag == .array || r.tag == .array,
              trace.variableNames == nil, let a = trace.scalarOperand(l), let b = trace.scalarOperand(r),
              a.isTraced || b.isTraced else { return nil }
        noteLocation(trace)
        return trace.scalarBinary(op, a, b)
    }

    /// A builtin called with one traced number and no keywords, while tracing:
    /// the scalar fast path for the unary maths builtins (nil otherwise).
    @inline(never)
    func tracedScalarCall(_ builtin: BuiltinFunction, _ argument: Slot) -> Slot? {
        guard let trace = activeTrace, Trace.recordsScalarsLazily, !builtin.tracesItself,
              argument.tag == .traced || argument.tag == .array,
              trace.variableNames == nil, let a = trace.scalarOperand(argument), a.isTraced,
              let op = trace.scalarUnary(builtin, self) else { return nil }
        noteLocation(trace)
        return trace.scalarCall(builtin, op, a)
    }
}

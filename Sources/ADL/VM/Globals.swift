// The global variables of one session (a script run, or a REPL lifetime).
// Names are resolved to slot indices at compile time; the VM reads and
// writes `values` by index. Builtins are pre-defined globals that a program
// may shadow; `np.NAME` reads the builtin table directly instead.

/// Global variable slots and the session's module aliases.
public final class Globals {
    public private(set) var names: [String] = []
    private var slotOf: [String: Int] = [:]
    /// The values as VM stack slots (each owns its object), so LOAD_GLOBAL is a copy and a retain.
    private(set) var slots: UnsafeMutablePointer<Slot>
    private var capacity: Int

    /// The value of global slot `index` (`.undefined` when unassigned).
    public subscript(index: Int) -> Value {
        get { slots[index].value() }
        set {
            let old = slots[index]
            slots[index] = Slot(newValue)
            release(old)
        }
    }

    /// Functions overwritten or deleted while code may still be running them: a frame
    /// made by CALL_GLOBAL_LK borrows its function from the global (no reference of its
    /// own, see SlotTag.borrowedFunction), so the object must outlive the global's
    /// binding. The VM releases them when no frame is active (`releaseRetired`).
    private(set) var retired: [Slot] = []

    /// Drops a slot's reference, or retires it when it is a function (see `retired`).
    @inline(__always)
    func release(_ old: Slot) {
        if old.tag == .function { retired.append(old) } else { old.release() }
    }

    /// Releases the retired functions that `isRunning` says no active frame uses.
    func releaseRetired(keeping isRunning: (Slot) -> Bool = { _ in false }) {
        guard !retired.isEmpty else { return }
        var kept: [Slot] = []
        for slot in retired {
            if isRunning(slot) { kept.append(slot) } else { slot.release() }
        }
        retired = kept
    }
    /// Module names usable as prefixes: alias → builtin name prefix ("np" → "", "la" → "linalg.").
    public var moduleAliases: [String: String] = ["np": "", "numpy": ""]

    public init(builtins: BuiltinTable) {
        capacity = 512
        slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        for (index, name) in builtins.names.enumerated() where !name.contains(".") {
            self[slot(for: name)] = .builtin(builtins.functions[index])
        }
        for (name, value) in builtins.constants {
            self[slot(for: name)] = value
        }
    }

    deinit {
        for i in 0..<names.count { slots[i].release() }
        for slot in retired { slot.release() }
        slots.deallocate()
    }

    /// The slot of `name`, created (unassigned) if new. Compilation only: the
    /// storage may move, so the VM never holds `slots` across a compile.
    public func slot(for name: String) -> Int {
        if let s = slotOf[name] { return s }
        if names.count == capacity {
            let bigger = UnsafeMutablePointer<Slot>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: slots, count: names.count)
            slots.deallocate()
            slots = bigger
            capacity *= 2
        }
        slots[names.count] = .undefined
        names.append(name)
        slotOf[name] = names.count - 1
        return names.count - 1
    }

    /// The current value of `name`, nil if unassigned.
    public func value(of name: String) -> Value? {
        guard let s = slotOf[name], slots[s].tag != .undefined else { return nil }
        return slots[s].value()
    }

    /// Names that currently hold a value (for "did you mean" and completion).
    public var definedNames: [String] {
        names.indices.compactMap { i in slots[i].tag == .undefined ? nil : names[i] }
    }
}

/// All builtin functions by name ("sum", "random.seed", "linalg.inv") and the predefined constants.
public final class BuiltinTable {
    public private(set) var names: [String] = []
    public private(set) var functions: [BuiltinFunction] = []
    private var indexOf: [String: Int] = [:]
    public var constants: [(String, Value)] = []
    /// Methods of arrays by name (`x.sum`), called with the receiver first.
    public var arrayMethods: [String: BuiltinFunction] = [:]

    public init() {}

    public func register(_ name: String, _ body: @escaping BuiltinFunction.Body) {
        let f = BuiltinFunction(name, body)
        if let i = indexOf[name] {
            functions[i] = f
        } else {
            names.append(name)
            functions.append(f)
            indexOf[name] = names.count - 1
        }
    }

    public func index(of name: String) -> Int? { indexOf[name] }
    public func function(named name: String) -> BuiltinFunction? {
        indexOf[name].map { functions[$0] }
    }
}

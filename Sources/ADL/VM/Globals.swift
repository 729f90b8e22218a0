// The global variables of one session (a script run, or a REPL lifetime).
// Names are resolved to slot indices at compile time; the VM reads and
// writes `values` by index. Builtins are pre-defined globals that a program
// may shadow; `np.NAME` reads the builtin table directly instead.

/// Global variable slots and the session's module aliases.
public final class Globals {
    public private(set) var names: [String] = []
    private var slotOf: [String: Int] = [:]
    public var values: [Value] = []
    /// Module names usable as prefixes: alias → builtin name prefix ("np" → "", "la" → "linalg.").
    public var moduleAliases: [String: String] = ["np": "", "numpy": ""]

    public init(builtins: BuiltinTable) {
        for (index, name) in builtins.names.enumerated() where !name.contains(".") {
            values[slot(for: name)] = .builtin(builtins.functions[index])
        }
        for (name, value) in builtins.constants {
            values[slot(for: name)] = value
        }
    }

    /// The slot of `name`, created (unassigned) if new.
    public func slot(for name: String) -> Int {
        if let s = slotOf[name] { return s }
        names.append(name)
        values.append(.undefined)
        slotOf[name] = names.count - 1
        return names.count - 1
    }

    /// The current value of `name`, nil if unassigned.
    public func value(of name: String) -> Value? {
        guard let s = slotOf[name] else { return nil }
        if case .undefined = values[s] { return nil }
        return values[s]
    }

    /// Names that currently hold a value (for "did you mean" and completion).
    public var definedNames: [String] {
        names.indices.compactMap { i in
            if case .undefined = values[i] { return nil }
            return names[i]
        }
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

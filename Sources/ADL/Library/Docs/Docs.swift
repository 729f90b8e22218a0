// The one registry of builtin documentation. `help(name)` prints from it, the
// REPL completes from it and the man page lists it. Each family of builtins
// keeps its entries in its own file (Docs+Creation.swift, ...); `all` joins them.
//
// An entry's `example` is a short REPL session: lines starting with `>>> ` (or
// `... ` for continuations) are input, the lines after them are exactly what
// ADL echoes. DocTests runs every example and compares, so the docs cannot
// drift from the behaviour.

public struct BuiltinDoc: Sendable {
    /// The name as it is called: `sum`, `linalg.solve`, `random.seed`.
    public let name: String
    /// The call with its parameters and defaults: `sum(a, axis=None, keepdims=False)`.
    public let signature: String
    /// One paragraph: what it computes, NumPy's rules it follows, what errors it raises.
    public let summary: String
    /// A checked REPL session (see above).
    public let example: String

    public init(_ name: String, _ signature: String, _ summary: String, example: String) {
        self.name = name
        self.signature = signature
        self.summary = summary
        self.example = example
    }

    /// What `help(name)` prints.
    public var text: String {
        "\(signature)\n\n\(summary)\n\nExample:\n" + example.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    \($0)" }.joined(separator: "\n")
    }
}

public enum Docs {
    /// Every documented builtin, family by family.
    public static let all: [BuiltinDoc] = core + creation + random + elementwise + reductions + statistics
        + shape + joining + linearAlgebra + io + autodiff + optimize + show

    /// The entry for `name` (`np.` and `numpy.` prefixes are ignored).
    public static func entry(_ name: String) -> BuiltinDoc? {
        var key = Substring(name)
        for prefix in ["np.", "numpy."] where key.hasPrefix(prefix) { key = key.dropFirst(prefix.count) }
        return index[String(key)]
    }

    private static let index: [String: BuiltinDoc] = {
        var out: [String: BuiltinDoc] = [:]
        for d in all where out[d.name] == nil { out[d.name] = d }
        return out
    }()
}

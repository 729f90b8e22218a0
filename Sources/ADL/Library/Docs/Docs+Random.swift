// Documentation of the random builtins (see Docs.swift for the format).

extension Docs {
    static let random: [BuiltinDoc] = [
    ]
}

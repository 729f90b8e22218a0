// Documentation of the joining builtins (see Docs.swift for the format).

extension Docs {
    static let joining: [BuiltinDoc] = [
    ]
}

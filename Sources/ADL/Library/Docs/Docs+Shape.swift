// Documentation of the shape builtins (see Docs.swift for the format).

extension Docs {
    static let shape: [BuiltinDoc] = [
    ]
}

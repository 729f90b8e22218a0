// Documentation of the creation builtins (see Docs.swift for the format).

extension Docs {
    static let creation: [BuiltinDoc] = [
    ]
}

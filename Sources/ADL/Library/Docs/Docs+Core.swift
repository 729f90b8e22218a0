// Documentation of the core builtins (see Docs.swift for the format).

extension Docs {
    static let core: [BuiltinDoc] = [
    ]
}

// Documentation of the io builtins (see Docs.swift for the format).

extension Docs {
    static let io: [BuiltinDoc] = [
    ]
}

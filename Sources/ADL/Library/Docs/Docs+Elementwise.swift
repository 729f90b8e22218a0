// Documentation of the elementwise builtins (see Docs.swift for the format).

extension Docs {
    static let elementwise: [BuiltinDoc] = [
    ]
}

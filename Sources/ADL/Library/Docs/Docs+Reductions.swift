// Documentation of the reductions builtins (see Docs.swift for the format).

extension Docs {
    static let reductions: [BuiltinDoc] = [
    ]
}

// Documentation of the statistics builtins (see Docs.swift for the format).

extension Docs {
    static let statistics: [BuiltinDoc] = [
    ]
}

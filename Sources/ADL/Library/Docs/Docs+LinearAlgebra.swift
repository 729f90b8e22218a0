// Documentation of the linearAlgebra builtins (see Docs.swift for the format).

extension Docs {
    static let linearAlgebra: [BuiltinDoc] = [
    ]
}

// The builtins of the gradient printer (SPEC §9): `show(g)` prints what the
// `grad f` command prints, `show(g, format="latex")` prints LaTeX, and
// `emit(g)` returns the ADL source of a standalone `def` computing the
// gradient. Example arguments after `g` pick the shapes and the branches
// (as in `dis(grad(f), x)`); without them the function is traced at
// placeholders (see Show.swift).

extension Library {
    static func registerShow(_ t: BuiltinTable) {
        t.register("show") { vm, args in
            let (shown, format) = try shownGradient(vm, args, "show")
            switch format {
            case "text": vm.write(shown.text(width: Show.width))
            case "latex": vm.write(shown.latex())
            default:
                throw ADLError.value("show(format=...) must be 'text' or 'latex', not '\(format)'")
            }
            return .none
        }
        t.register("emit") { vm, args in
            let (shown, _) = try shownGradient(vm, args, "emit")
            return .string(StringObject(shown.source()))
        }
    }

    /// The gradient `show`/`emit` were asked about, and the format keyword.
    private static func shownGradient(_ vm: VM, _ args: Arguments, _ what: String) throws -> (ShownGradient, String) {
        guard let g = args.positional.first else {
            throw ADLError.argument("\(what)() missing 1 required positional argument: 'g'")
        }
        var format = "text"
        for (name, value) in args.keywords {
            guard name == "format", what == "show" else {
                throw ADLError.argument("\(what)() got an unexpected keyword argument '\(name)'")
            }
            guard case .string(let s) = value else {
                throw ADLError.type("show(format=...) must be a string, not '\(value.typeName)'")
            }
            format = s.value
        }
        let (function, argnums, name) = Show.target(g, vm)
        let examples = Array(args.positional.dropFirst())
        let shown = try Show.analyse(vm, function, name: name, wrt: argnums, at: examples.isEmpty ? nil : examples)
        return (shown, format)
    }
}

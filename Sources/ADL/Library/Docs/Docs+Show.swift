// Documentation of the gradient printer's builtins (SPEC §9; see Docs.swift
// for the format, docs/show.md for the guide).

extension Docs {
    static let show: [BuiltinDoc] = [
        BuiltinDoc("show", "show(g, *example_args, format=\"text\")",
                   "Prints the gradient of a function as simplified ADL expressions, one line `∂f/∂x = ...` per argument, with subexpressions used more than once bound first as `let NAME = ...` lines (named after the function's own variable where one held the value). `g` is `grad(f, argnums)` (those arguments) or `f` itself (every argument); this is what the `grad f` command prints. Without example arguments the function is traced at placeholder arguments (vectors, else scalars, else matrices) and the printed form holds for every shape; a branch on an argument's value is then an error, and example arguments pick the branch and the shapes. `format=\"latex\"` prints LaTeX instead. Every printed right-hand side is valid ADL. Long lines wrap at operators.",
                   example: """
                   >>> show(grad(lambda x: ((x + 1) ** 2).sum()))
                   ∂f/∂x = 2 * (x + 1)
                   >>> show(lambda x, y: x * sin(y), format="latex")
                   \\frac{\\partial f}{\\partial x} = \\sin\\left(y\\right)
                   \\frac{\\partial f}{\\partial y} = x \\cos\\left(y\\right)
                   """),
        BuiltinDoc("emit", "emit(g, *example_args)",
                   "The ADL source of a standalone `def grad_f(...)` computing the gradient that `show(g)` prints: the `let` lines become assignments, and with several arguments it returns a tuple. Save it to a file and run it, or paste it into a session where the function's globals are defined.",
                   example: """
                   >>> emit(grad(lambda x: sum(x * exp(x))))
                   'def grad_f(x):\\n    return exp(x) * (x + 1)\\n'
                   """),
    ]
}

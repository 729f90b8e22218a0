#!/usr/bin/env python3
"""Size of printed gradients: ADL's `grad f` vs sympy vs JAX (issue 5, SPEC §9).

For each scalar-expressible function, counts the operations of
  - ADL:   what `grad f` prints (every `let` line and every `∂f/∂x` line),
  - sympy: `simplify(diff(f, x))` for each argument x, printed with str(),
  - JAX:   the number of equations in `make_jaxpr(grad(f, argnums=all))`,
and prints a Markdown table. ADL's and sympy's texts are both parsed as Python
and counted the same way: one per binary or unary operator, comparison, call,
subscript and attribute (so `2 * (x + 1)` is 2 and `-sin(x)` is 2).

    .venv/bin/python bench/show/sizes.py [--adl .build-h/debug/adl] [--jax-python PYTHON]

JAX is optional: it runs in whatever Python `--jax-python` names (a separate
venv outside the repo; the column is left out when it can't be imported).
"""
import argparse
import ast
import json
import os
import subprocess
import sys

import sympy as sp

# name, arguments, ADL body, sympy/JAX body (Python with `np` = the math module in use)
FUNCTIONS = [
    ("seed", "x", "(x + 1) ** 2", "(x + 1) ** 2"),
    ("poly", "x", "3 * x ** 3 - 2 * x ** 2 + 5 * x - 7", "3 * x ** 3 - 2 * x ** 2 + 5 * x - 7"),
    ("sincos", "x", "sin(cos(x))", "np.sin(np.cos(x))"),
    ("explog", "x", "exp(log(x) ** 2)", "np.exp(np.log(x) ** 2)"),
    ("softplus", "x", "log(1 + exp(x))", "np.log(1 + np.exp(x))"),
    ("recip", "x", "1 / x", "1 / x"),
    ("quotient", "x, y", "x / y", "x / y"),
    ("powers", "x", "x ** 0.5 + x ** -2", "x ** 0.5 + x ** -2"),
    ("xpowy", "x, y", "x ** y", "x ** y"),
    ("tanhx", "x", "tanh(x)", "np.tanh(x)"),
    ("two", "x, y", "x * y + exp(x / y)", "x * y + np.exp(x / y)"),
    ("logistic1", "x", "1 / (1 + exp(-x))", "1 / (1 + np.exp(-x))"),
    ("pythagoras", "x", "sin(x) ** 2 + cos(x) ** 2", "np.sin(x) ** 2 + np.cos(x) ** 2"),
    ("nestedlog", "x", "log(log(log(x)))", "np.log(np.log(np.log(x)))"),
    ("arcs", "x", "arctan(x) + arcsin(x / 2)", "np.arctan(x) + np.arcsin(x / 2)"),
    ("xexp", "x", "x * exp(x)", "x * np.exp(x)"),
    ("rosenbrock", "x, y", "100 * (y - x ** 2) ** 2 + (1 - x) ** 2", "100 * (y - x ** 2) ** 2 + (1 - x) ** 2"),
    ("logistic", "w, b", "log(1 + exp(-(2 * w + b)))", "np.log(1 + np.exp(-(2 * w + b)))"),
    ("gauss", "x, m, s", "exp(-(x - m) ** 2 / (2 * s ** 2)) / s", "np.exp(-(x - m) ** 2 / (2 * s ** 2)) / s"),
]

COUNTED = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.Call, ast.Subscript, ast.Attribute, ast.BoolOp)


def count_ops(text):
    tree = ast.parse(text.strip(), mode="eval")
    return sum(isinstance(n, COUNTED) for n in ast.walk(tree))


def adl_sizes(adl):
    program = "".join(f"{name} = lambda {args}: {body}\ngrad {name}\n" for name, args, body, _ in FUNCTIONS)
    out = subprocess.run([adl], input=program, capture_output=True, text=True, check=True).stdout
    # Join wrapped lines (a continuation starts with spaces), then split by function.
    lines = []
    for line in out.splitlines():
        if line.startswith(" ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    # Each function's block (its `let` lines, then its `∂` lines) ends with its last `∂` line.
    sizes, texts, blocks, current = {}, {}, {}, []
    order = [f[0] for f in FUNCTIONS]
    for line in lines:
        current.append(line)
        if line.startswith("∂"):
            name = line[1:line.index("/")]
            blocks.setdefault(name, []).extend(current)
            current = []
    for name in order:
        total = 0
        for line in blocks.get(name, []):
            rhs = line.split(" = ", 1)[1]
            total += count_ops(rhs)
        sizes[name] = total
        texts[name] = blocks.get(name, [])
    return sizes, texts


def sympy_sizes():
    sizes, texts = {}, {}
    for name, args, _, body in FUNCTIONS:
        symbols = sp.symbols(args.replace(" ", ""), real=True)
        if not isinstance(symbols, tuple):
            symbols = (symbols,)
        env = {str(s): s for s in symbols}
        env["np"] = sp
        sp.arctan = sp.atan
        sp.arcsin = sp.asin
        f = eval(body, env)
        parts = [str(sp.simplify(sp.diff(f, s))) for s in symbols]
        sizes[name] = sum(count_ops(p) for p in parts)
        texts[name] = parts
    return sizes, texts


JAX_SCRIPT = r"""
import json, sys
import jax, jax.numpy as np
jax.config.update("jax_enable_x64", True)
functions = json.loads(sys.stdin.read())
out = {}
for name, args, body in functions:
    names = [a.strip() for a in args.split(",")]
    f = eval("lambda " + args + ": " + body, {"np": np})
    g = jax.grad(f, argnums=tuple(range(len(names))))
    jaxpr = jax.make_jaxpr(g)(*[0.7] * len(names))
    out[name] = len(jaxpr.jaxpr.eqns)
print(json.dumps(out))
"""


def jax_sizes(python):
    if not python:
        return None
    functions = [(name, args, body.replace("np.arctan", "np.arctan").replace("np.arcsin", "np.arcsin"))
                 for name, args, _, body in FUNCTIONS]
    try:
        r = subprocess.run([python, "-c", JAX_SCRIPT], input=json.dumps(functions), capture_output=True,
                           text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"JAX unavailable ({python}): {getattr(e, 'stderr', e)}", file=sys.stderr)
        return None
    return json.loads(r.stdout)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--adl", default=".build-h/debug/adl")
    p.add_argument("--jax-python", default=os.environ.get("JAX_PYTHON", ""))
    p.add_argument("--verbose", action="store_true", help="print each printed gradient too")
    a = p.parse_args()
    adl, adl_text = adl_sizes(a.adl)
    sym, sym_text = sympy_sizes()
    jax = jax_sizes(a.jax_python)
    head = "| function | ADL `grad f` | sympy `simplify(diff)` |" + (" JAX jaxpr equations |" if jax else "")
    print(head)
    print("|---|---:|---:|" + ("---:|" if jax else ""))
    worse = []
    for name, args, body, _ in FUNCTIONS:
        row = f"| `{name}({args}) = {body}` | {adl[name]} | {sym[name]} |"
        if jax:
            row += f" {jax[name]} |"
        print(row)
        if adl[name] > sym[name]:
            worse.append(name)
        if a.verbose:
            print("    ADL:  ", " ; ".join(adl_text[name]), file=sys.stderr)
            print("    sympy:", " ; ".join(sym_text[name]), file=sys.stderr)
    total = f"| total | {sum(adl.values())} | {sum(sym.values())} |" + (f" {sum(jax.values())} |" if jax else "")
    print(total)
    if worse:
        print(f"\nADL prints more operations than sympy for: {', '.join(worse)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

// Prints a `Sym` as LaTeX for `show(g, format="latex")`: juxtaposition for
// products, `\frac` for quotients, `\left( \right)` where precedence needs
// parentheses, `\sin`/`\log`/`\sqrt`/`e^{...}` for the familiar functions and
// `\operatorname{...}` for the others (with their keyword arguments).

enum LaTeXPrinter {
    static let additive = 10, multiplicative = 20, unary = 30, power = 40, atom = 60

    static func render(_ s: Sym) -> String { print(s).0 }

    /// A variable name: one letter as is, a longer one upright, `t1` as `t_{1}`.
    static func name(_ n: String) -> String {
        let greek: Set<String> = ["alpha", "beta", "gamma", "delta", "epsilon", "theta", "lambda", "mu", "sigma", "tau", "phi", "omega"]
        if greek.contains(n) { return "\\" + n }
        if n.count == 1 { return n }
        if let i = n.firstIndex(where: { $0.isNumber }), n[..<i].count == 1, n[i...].allSatisfy({ $0.isNumber }) {
            return "\(n[..<i])_{\(n[i...])}"
        }
        return "\\mathrm{" + n.escapedForLaTeX + "}"
    }


    static func paren(_ s: String) -> String { "\\left(" + s + "\\right)" }

    static func operand(_ s: Sym, atLeast p: Int) -> String {
        let (t, q) = print(s)
        return q >= p ? t : paren(t)
    }

    static func print(_ s: Sym) -> (String, Int) {
        switch s.op {
        case .number(let x):
            if x.isInfinite { return (x < 0 ? "-\\infty" : "\\infty", x < 0 ? unary : atom) }
            return (ADLPrinter.number(x), x < 0 ? unary : atom)
        case .variable(let n): return (name(n), atom)
        case .literal(let t): return ("\\mathtt{" + t.escapedForLaTeX + "}", atom)
        case .add:
            var terms = s.args.map(ADLPrinter.signed)
            if terms[0].0, let k = terms.firstIndex(where: { !$0.0 }) { terms.insert(terms.remove(at: k), at: 0) }
            var out = (terms[0].0 ? "-" : "") + operand(terms[0].1, atLeast: terms[0].0 ? multiplicative : additive)
            for (negative, t) in terms.dropFirst() {
                out += (negative ? " - " : " + ") + operand(t, atLeast: additive + 1)
            }
            return (out, additive)
        case .mul:
            var c = 1.0
            var numerator: [Sym] = [], denominator: [Sym] = []
            for f in s.args {
                if let x = f.number { c *= x; continue }
                if case .pow = f.op, let e = f.args[1].number, e < 0 { denominator.append(S.pow(f.args[0], S.num(-e))) }
                else { numerator.append(f) }
            }
            let negative = c < 0
            c = Swift.abs(c)
            func juxtapose(_ fs: [Sym], coefficient: Double) -> String {
                var parts: [String] = coefficient != 1 || fs.isEmpty ? [ADLPrinter.number(coefficient)] : []
                for f in fs { parts.append(operand(f, atLeast: multiplicative + 1)) }
                // A number after another factor needs a visible product sign.
                var out = parts.first ?? ""
                for p in parts.dropFirst() { out += (p.first?.isNumber == true ? " \\cdot " : " ") + p }
                return out
            }
            var body: String
            if denominator.isEmpty {
                body = juxtapose(numerator, coefficient: c)
            } else {
                body = "\\frac{" + juxtapose(numerator, coefficient: c) + "}{" + juxtapose(denominator, coefficient: 1) + "}"
            }
            return ((negative ? "-" : "") + body, negative ? unary : multiplicative)
        case .pow:
            if let e = s.args[1].number, e == 0.5 { return ("\\sqrt{" + print(s.args[0]).0 + "}", atom) }
            return (operand(s.args[0], atLeast: atom) + "^{" + print(s.args[1]).0 + "}", power)
        case .matmul:
            return (operand(s.args[0], atLeast: multiplicative) + " " + operand(s.args[1], atLeast: multiplicative + 1), multiplicative)
        case .binary(let op):
            let symbol = ["<": "<", "<=": "\\le", ">": ">", ">=": "\\ge", "==": "=", "!=": "\\ne", "&": "\\land", "|": "\\lor"][op] ?? "\\mathbin{\(op)}"
            return (operand(s.args[0], atLeast: additive) + " " + symbol + " " + operand(s.args[1], atLeast: additive), 5)
        case .transpose:
            return (operand(s.args[0], atLeast: atom) + "^{\\top}", power)
        case .index(let parts):
            return (operand(s.args[0], atLeast: atom) + "\\left[" + parts.map(\.text).joined(separator: ", ") + "\\right]", atom)
        case .call(let fn, let keywords):
            let positional = Array(s.args.prefix(s.args.count - keywords.count))
            let arguments = positional.map { print($0).0 }
                + zip(keywords, s.args.suffix(keywords.count)).map { "\\mathrm{\($0.0)}=" + print($0.1).0 }
            let inner = arguments.joined(separator: ", ")
            switch fn {
            case "sin", "cos", "tan", "sinh", "cosh", "tanh", "log", "exp", "arcsin", "arccos", "arctan":
                if fn == "exp" { return ("e^{" + inner + "}", power) }
                return ("\\" + fn + paren(inner), atom)
            case "sqrt": return ("\\sqrt{" + inner + "}", atom)
            case "abs": return ("\\left|" + inner + "\\right|", atom)
            case "size" where positional.count == 1: return ("\\left|" + inner + "\\right|", atom)
            default:
                return ("\\operatorname{" + fn.escapedForLaTeX + "}" + paren(inner), atom)
            }
        }
    }
}

extension String {
    /// Underscores escaped for LaTeX.
    var escapedForLaTeX: String { map { $0 == "_" ? "\\_" : String($0) }.joined() }
}

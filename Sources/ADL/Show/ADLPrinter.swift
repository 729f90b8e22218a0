// Prints a `Sym` as ADL source (SPEC §9): Python's precedence, parentheses
// only where it needs them, `a - b` for a negative term, `a / b` for a
// negative power, NumPy's spellings (`x.T`, `x.size`, `len(x)`,
// `x.shape[1]`, `sqrt(x)` for `x ** 0.5`). Line breaks go before operators.

import Glibc

enum ADLPrinter {
    // Python's binding strengths, loosest first.
    static let comparison = 5, bitOr = 6, bitAnd = 7, additive = 10, multiplicative = 20, unary = 30,
               power = 40, postfix = 50, atom = 60
    /// Hanging indentation of a continued line.
    static let indent = 4

    /// `s` on one line.
    static func flat(_ s: Sym) -> String { doc(s).render(width: Int.max) }

    /// `s` laid out in `width` columns, starting at column `start`, continued
    /// lines indented by `indent` more than `base`.
    static func render(_ s: Sym, width: Int, start: Int, base: Int = 0) -> String {
        Doc.nest(base, doc(s)).render(width: width, start: start)
    }

    static func doc(_ s: Sym) -> Doc { print(s).0 }

    /// A number as ADL source: integral values as ints, others in the fewest
    /// digits (up to 15) that give back the value to within a few ulps, so that
    /// folding noise (`0.08000000000000002`) does not show.
    static func number(_ x: Double) -> String {
        if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int(x)) }
        var buffer = [CChar](repeating: 0, count: 40)
        for digits in 1...15 {
            _ = withVaList([Int32(digits), x]) { vsnprintf(&buffer, buffer.count, "%.*g", $0) }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let y = Double(text), Swift.abs(y - x) <= 4 * x.ulp { return Formatting.repr(.float(y)) }
        }
        return Formatting.repr(.float(x))
    }

    /// The document of `s` and its binding strength.
    static func print(_ s: Sym) -> (Doc, Int) {
        switch s.op {
        case .number(let x):
            if x.isInfinite { return (.text(x < 0 ? "-inf" : "inf"), x < 0 ? unary : atom) }
            if x.isNaN { return (.text("nan"), atom) }
            return (.text(number(x)), x < 0 ? unary : atom)
        case .variable(let name), .literal(let name):
            return (.text(name), atom)
        case .add:
            return sum(s)
        case .mul:
            return product(s)
        case .pow:
            if let e = s.args[1].number, e == 0.5 { return (call("sqrt", [s.args[0]], []), postfix) }
            // y ** -1 is 1 / y.
            if let e = s.args[1].number, e < 0 { return product(Sym(.mul, [s], shape: s.shape)) }
            let base = operand(s.args[0], atLeast: postfix)
            let exponent = operand(s.args[1], atLeast: unary)
            return (.cat([base, .text(" ** "), exponent]), power)
        case .matmul:
            return (.group(.cat([operand(s.args[0], atLeast: multiplicative),
                                 .nest(indent, .cat([.line, .text("@ "), operand(s.args[1], atLeast: multiplicative + 1)]))])),
                    multiplicative)
        case .binary(let op):
            let p = strength(of: op)
            return (.group(.cat([operand(s.args[0], atLeast: p),
                                 .nest(indent, .cat([.line, .text(op + " "), operand(s.args[1], atLeast: p + 1)]))])), p)
        case .transpose:
            return (.cat([operand(s.args[0], atLeast: postfix), .text(".T")]), postfix)
        case .index(let parts):
            return (.cat([operand(s.args[0], atLeast: postfix), .text("[" + parts.map(\.text).joined(separator: ", ") + "]")]),
                    postfix)
        case .call(let name, let keywords):
            let positional = Array(s.args.prefix(s.args.count - keywords.count))
            if keywords.isEmpty, positional.count == 1, ["size", "shape", "T"].contains(name), isAttributeBase(positional[0]) {
                return (.cat([operand(positional[0], atLeast: postfix), .text("." + name)]), postfix)
            }
            return (call(name, positional, Array(zip(keywords, s.args.suffix(keywords.count)))), postfix)
        }
    }

    private static func isAttributeBase(_ s: Sym) -> Bool {
        if case .variable = s.op { return true }
        return false
    }

    static func strength(of op: String) -> Int {
        switch op {
        case "|": return bitOr
        case "&": return bitAnd
        case "//", "%": return multiplicative
        default: return comparison
        }
    }

    static func operand(_ s: Sym, atLeast p: Int) -> Doc {
        let (d, q) = print(s)
        return q >= p ? d : .cat([.text("("), .nest(1, d), .text(")")])
    }

    static func call(_ name: String, _ args: [Sym], _ keywords: [(String, Sym)]) -> Doc {
        var items: [Doc] = args.map { operand($0, atLeast: 0) }
        for (k, v) in keywords { items.append(.cat([.text(k + "="), operand(v, atLeast: 0)])) }
        var parts: [Doc] = [.text(name + "(")]
        for (i, item) in items.enumerated() {
            if i > 0 { parts.append(.text(",")); parts.append(.line) }
            parts.append(item)
        }
        parts.append(.text(")"))
        return .group(.nest(indent, .cat(parts)))
    }

    /// A term's sign and magnitude: `-3 * x` is (true, 3 * x).
    static func signed(_ t: Sym) -> (Bool, Sym) {
        if let x = t.number, x < 0 { return (true, S.num(-x)) }
        if case .mul = t.op, let c = t.args.first?.number, c < 0 {
            let rest = Array(t.args.dropFirst())
            if c == -1 { return (true, rest.count == 1 ? rest[0] : Sym(.mul, rest, shape: t.shape)) }
            return (true, Sym(.mul, [S.num(-c)] + rest, shape: t.shape))
        }
        return (false, t)
    }

    static func sum(_ s: Sym) -> (Doc, Int) {
        var terms = s.args.map(signed)
        // Start with a positive term when there is one: `1 - x`, not `-x + 1`.
        if terms[0].0, let k = terms.firstIndex(where: { !$0.0 }) { terms.insert(terms.remove(at: k), at: 0) }
        var first = operand(terms[0].1, atLeast: additive)
        // `-a * b` reads as -(a * b) and has its value.
        if terms[0].0 { first = .cat([.text("-"), operand(terms[0].1, atLeast: multiplicative)]) }
        var rest: [Doc] = []
        for (negative, t) in terms.dropFirst() {
            rest.append(.line)
            rest.append(.text(negative ? "- " : "+ "))
            rest.append(operand(t, atLeast: additive + 1))
        }
        return (.group(.cat([first, .nest(indent, .cat(rest))])), additive)
    }

    static func product(_ s: Sym) -> (Doc, Int) {
        var c = 1.0
        var numerator: [Sym] = []
        var denominator: [Sym] = []
        for f in s.args {
            if let x = f.number { c *= x; continue }
            if case .pow = f.op, let e = f.args[1].number, e < 0 {
                denominator.append(S.pow(f.args[0], S.num(-e)))
            } else {
                numerator.append(f)
            }
        }
        // 0.5 * x is x / 2.
        if c != 0, Swift.abs(c) < 1, (1 / Swift.abs(c)) == (1 / Swift.abs(c)).rounded(), 1 / Swift.abs(c) < 1e6 {
            denominator.insert(S.num(1 / Swift.abs(c)), at: 0)
            c = c < 0 ? -1 : 1
        }
        let negative = c < 0
        c = Swift.abs(c)
        var items: [Doc] = []
        if c != 1 || numerator.isEmpty { items.append(.text(number(c))) }
        for (i, f) in numerator.enumerated() {
            items.append(operand(f, atLeast: items.isEmpty && i == 0 ? multiplicative : multiplicative + 1))
        }
        var rest: [Doc] = []
        for item in items.dropFirst() { rest += [.line, .text("* "), item] }
        if !denominator.isEmpty {
            let den = denominator.count == 1 ? denominator[0] : Sym(.mul, denominator, shape: [])
            rest += [.line, .text("/ "), operand(den, atLeast: multiplicative + 1)]
        }
        var body: Doc = .group(.cat([items[0], .nest(indent, .cat(rest))]))
        var strength = rest.isEmpty ? print(numerator.first ?? S.num(c)).1 : multiplicative
        if negative {
            body = .cat([.text("-"), body])
            strength = rest.isEmpty ? unary : multiplicative
            if rest.isEmpty, let only = numerator.first, print(only).1 < unary {
                body = .cat([.text("-"), operand(only, atLeast: unary)])
            }
        }
        return (body, strength)
    }
}

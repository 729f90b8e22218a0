// The simplifier: smart constructors that keep every `Sym` in canonical
// form as it is built, so a gradient is simplified by construction.
//
// - Sums are flat, their numbers folded, zero terms dropped, like terms
//   collected (`2 * x + 3 * x` is `5 * x`), and a factor common to every term
//   pulled out when that makes the expression smaller.
// - Products are flat, their numbers folded into one leading coefficient,
//   factors with one base gathered into one power (`x * x` is `x ** 2`,
//   `x / x` is `1`), ones dropped, `-(a - b)` written `b - a`.
// - Powers fold `x ** 1`, `x ** 0`, numbers, and integer powers of powers.
// Terms and factors are sorted by their printed text, so equal expressions
// are equal however they were built. Every constructor keeps the shape of
// the value it stands for: when dropping an operand would shrink it, a
// `ones_like` factor keeps the broadcast.

import Glibc

enum S {
    // MARK: - Leaves

    static func num(_ x: Double) -> Sym { Sym(.number(x), shape: []) }
    static var zero: Sym { num(0) }
    static var one: Sym { num(1) }

    static func variable(_ name: String, shape: [Int]) -> Sym { Sym(.variable(name), shape: shape) }

    static func literal(_ text: String) -> Sym { Sym(.literal(text), shape: []) }

    // MARK: - Shapes

    /// NumPy's broadcast of two shapes (the longer one where they disagree: the
    /// trace already checked they broadcast).
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int] {
        if a.count < b.count { return broadcast(b, a) }
        var out = a
        let lead = a.count - b.count
        for (i, d) in b.enumerated() where out[lead + i] == 1 { out[lead + i] = d }
        return out
    }

    static func broadcast(_ syms: [Sym]) -> [Int] {
        syms.reduce([]) { broadcast($0, $1.shape) }
    }

    /// A variable inside `e`, reached through elementwise operations only, that
    /// has `e`'s shape: `ones_like(x)` for `ones_like(2 * x + 1)`, `x.size` for
    /// `(2 * x).size`. Else `e` itself.
    static func witness(_ e: Sym) -> Sym {
        var seen = Set<ObjectIdentifier>()
        func find(_ s: Sym) -> Sym? {
            guard seen.insert(ObjectIdentifier(s)).inserted else { return nil }
            if case .variable = s.op, s.shape == e.shape { return s }
            switch s.op {
            case .add, .mul, .pow, .binary:
                for a in s.args { if let w = find(a) { return w } }
            case .call(let name, _) where elementwise.contains(name):
                for a in s.args { if let w = find(a) { return w } }
            default: break
            }
            return nil
        }
        return find(e) ?? e
    }

    static let elementwise: Set<String> = [
        "sin", "cos", "tan", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "square", "abs",
        "sign", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
        "sigmoid", "where", "maximum", "minimum", "ones_like", "zeros_like", "full_like",
    ]

    /// `ones_like(e)` (by its witness).
    static func onesLike(_ e: Sym) -> Sym {
        let w = witness(e)
        return Sym(.call("ones_like", keywords: []), [w], shape: w.shape)
    }

    /// `e` broadcast to the shape of `like` (when it is smaller).
    static func fill(_ e: Sym, like: Sym) -> Sym {
        if e.shape == like.shape { return e }
        if broadcast(e.shape, like.shape) == e.shape { return e }
        return mul([e, onesLike(like)])
    }

    private static func isOnesLike(_ s: Sym) -> Bool {
        if case .call("ones_like", let kw) = s.op, kw.isEmpty { return true }
        return false
    }

    // MARK: - Sums

    static func add(_ a: Sym, _ b: Sym) -> Sym { add([a, b]) }
    static func sub(_ a: Sym, _ b: Sym) -> Sym { add([a, neg(b)]) }
    static func neg(_ a: Sym) -> Sym { mul([num(-1), a]) }

    /// A term as (coefficient, the rest): `3 * x * y` is (3, x * y).
    static func split(_ t: Sym) -> (Double, Sym?) {
        if let x = t.number { return (x, nil) }
        if case .mul = t.op, let c = t.args.first?.number {
            let rest = Array(t.args.dropFirst())
            return (c, rest.count == 1 ? rest[0] : Sym(.mul, rest, shape: t.shape))
        }
        return (1, t)
    }

    static func add(_ terms: [Sym]) -> Sym {
        let shape = broadcast(terms)
        var flat: [Sym] = []
        for t in terms {
            if case .add = t.op { flat.append(contentsOf: t.args) } else { flat.append(t) }
        }
        var constant = 0.0
        var order: [Sym] = []
        var coefficient: [Sym: Double] = [:]
        for t in flat {
            let (c, rest) = split(t)
            guard let rest else { constant += c; continue }
            if coefficient[rest] == nil { order.append(rest) }
            coefficient[rest, default: 0] += c
        }
        var out: [Sym] = []
        for rest in order {
            let c = coefficient[rest] ?? 0
            if c != 0 { out.append(c == 1 ? rest : mul([num(c), rest])) }
        }
        // where(c, a, b) + where(c, d, e) is where(c, a + d, b + e).
        var merged: [Sym] = []
        for t in out {
            if isWhere(t), let k = merged.firstIndex(where: { isWhere($0) && $0.args[0] == t.args[0] }) {
                let m = merged[k]
                merged[k] = whereCall(t.args[0], add(m.args[1], t.args[1]), add(m.args[2], t.args[2]))
            } else {
                merged.append(t)
            }
        }
        out = merged
        // index_add(zeros_like(x), i, a) + index_add(zeros_like(x), j, b) is one chain of index_adds.
        if out.filter(isScatter).count > 1 {
            var chain: Sym?
            var others: [Sym] = []
            for t in out {
                guard isScatter(t) else { others.append(t); continue }
                if let c = chain, c.shape == t.shape {
                    chain = Sym(t.op, [c, t.args[1], t.args[2]], shape: t.shape)
                } else if chain == nil {
                    chain = t
                } else {
                    others.append(t)
                }
            }
            if let chain { out = others + [chain] }
        }
        // Higher powers of the variables first (`3 * x ** 2 + 2 * x + 1`), then by text.
        out.sort { a, b in
            let da = degree(a), db = degree(b)
            return da != db ? da > db : a.key < b.key
        }
        if constant != 0 || out.isEmpty { out.append(num(constant)) }
        // t * ones_like(v) needs no ones_like when another term gives the sum its shape.
        if out.count > 1 {
            for (k, t) in out.enumerated() {
                guard case .mul = t.op, t.args.contains(where: isOnesLike) else { continue }
                let others = out.enumerated().filter { $0.offset != k }.map(\.element)
                guard broadcast(others) == shape else { continue }
                let rest = t.args.filter { !isOnesLike($0) }
                out[k] = rest.count == 1 ? rest[0] : Sym(.mul, rest, shape: broadcast(rest))
            }
        }
        var result = out.count == 1 ? out[0] : Sym(.add, out, shape: broadcast(out))
        if out.count > 1 { result = pullCommonFactor(result) }
        return widen(result, to: shape, from: terms)
    }

    /// `result` broadcast back to `shape` if simplifying dropped the operand that gave it.
    private static func widen(_ result: Sym, to shape: [Int], from operands: [Sym]) -> Sym {
        guard result.shape != shape, let full = operands.first(where: { $0.shape == shape }) else { return result }
        if let x = result.number, x == 0 { return Sym(.call("zeros_like", keywords: []), [witness(full)], shape: shape) }
        return Sym(.mul, [result, onesLike(full)].sorted { factorOrder($0, $1) }, shape: shape)
    }

    /// a * b + a * c as a * (b + c), when that is smaller.
    private static func pullCommonFactor(_ sum: Sym) -> Sym {
        let termFactors = sum.args.map { factors(of: $0) }
        guard let first = termFactors.first else { return sum }
        // Numeric coefficients: pull out a common magnitude.
        let coefficients = termFactors.map { $0.coefficient }
        var common: [(Sym, Double)] = []
        // A base with exponents of one sign in every term: the smallest magnitude is common.
        for (base, e) in first.powers {
            var m = e
            var everywhere = true
            for other in termFactors.dropFirst() {
                guard let f = other.powers.first(where: { $0.0 == base }), (f.1 > 0) == (e > 0) else { everywhere = false; break }
                m = e > 0 ? min(m, f.1) : max(m, f.1)
            }
            if everywhere { common.append((base, m)) }
        }
        let c0 = abs(coefficients[0])
        let commonCoefficient = coefficients.allSatisfy({ abs($0) == c0 }) && c0 != 1 && c0 != 0 ? c0 : 1
        if common.isEmpty && commonCoefficient == 1 { return sum }
        let rest = termFactors.map { tf -> Sym in
            var parts: [Sym] = [num(tf.coefficient / commonCoefficient)]
            for (base, e) in tf.powers {
                let m = common.first(where: { $0.0 == base })?.1 ?? 0
                // (A factor pulled out whole leaves nothing: the outer product keeps the shape.)
                if e != m { parts.append(power(base, e - m)) }
            }
            return mul(parts)
        }
        var outer: [Sym] = [num(commonCoefficient)]
        for (base, m) in common { outer.append(power(base, m)) }
        outer.append(add(rest))
        let pulled = mul(outer)
        return pulled.operationCount < sum.operationCount && pulled.shape == sum.shape ? pulled : sum
    }

    // MARK: - Products

    static func mul(_ a: Sym, _ b: Sym) -> Sym { mul([a, b]) }
    static func div(_ a: Sym, _ b: Sym) -> Sym { mul([a, pow(b, num(-1))]) }

    /// A product as its coefficient and its (base, exponent) factors.
    static func factors(of t: Sym) -> (coefficient: Double, powers: [(Sym, Double)]) {
        var c = 1.0
        var powers: [(Sym, Double)] = []
        func visit(_ f: Sym) {
            if let x = f.number { c *= x; return }
            if case .mul = f.op { f.args.forEach(visit); return }
            if case .pow = f.op, let e = f.args[1].number {
                powers.append((f.args[0], e))
            } else {
                powers.append((f, 1))
            }
        }
        visit(t)
        return (c, powers)
    }

    static func mul(_ items: [Sym]) -> Sym {
        let shape = broadcast(items)
        var (c, powers) = factors(of: Sym(.mul, items, shape: shape))
        // Gather equal bases.
        var order: [Sym] = []
        var exponent: [Sym: Double] = [:]
        for (base, e) in powers {
            if exponent[base] == nil { order.append(base) }
            exponent[base, default: 0] += e
        }
        powers = order.compactMap { b in
            let e = exponent[b] ?? 0
            return e == 0 ? nil : (b, e)
        }
        if c == 0 {
            let full = items.first(where: { $0.shape == shape }) ?? items[0]
            return shape.isEmpty ? zero : Sym(.call("zeros_like", keywords: []), [witness(full)], shape: shape)
        }
        var out: [Sym] = powers.map { power($0.0, $0.1) }
        // Fold numbers that powers produced.
        out = out.filter { f in
            if let x = f.number { c *= x; return false }
            return true
        }
        // ones_like(v) adds nothing when the other factors already have the shape.
        if out.contains(where: isOnesLike) {
            var kept: [Sym] = []
            for (i, f) in out.enumerated() {
                if isOnesLike(f) {
                    let others = kept + out[(i + 1)...]
                    if broadcast(others) == shape && !others.isEmpty { continue }
                }
                kept.append(f)
            }
            out = kept
        }
        // -(a - b) is b - a, and -2 * (1 - a) is 2 * (a - 1).
        if c < 0, let k = out.firstIndex(where: { if case .add = $0.op { return true }; return false }),
           out.filter({ if case .add = $0.op { return true }; return false }).count == 1 {
            let negated = out[k].args.map { neg($0) }
            let flipped = Sym(.add, negated.sorted { $0.key < $1.key }, shape: out[k].shape)
            let before = negativeTerms(out[k]), after = negativeTerms(flipped)
            if after < before || after == before && out[k].args.contains(where: { $0.number != nil }) {
                var rest = out
                rest[k] = flipped
                return widen(mul([num(-c)] + rest), to: shape, from: items)
            }
        }
        // k * where(c, a, b) is where(c, k * a, k * b): one where, no product of masks.
        // (A broadcast `ones_like` stays outside.)
        let broadcasts = out.filter(isOnesLike)
        if let w = out.firstIndex(where: isWhere), out.filter(isWhere).count == 1,
           out.count - broadcasts.count > 1 || c != 1 {
            let others = [num(c)] + out.enumerated().filter { $0.offset != w && !isOnesLike($0.element) }.map(\.element)
            let f = out[w]
            // (A branch need not keep its shape: where broadcasts it.)
            func branch(_ b: Sym) -> Sym {
                let p = mul(others + [b])
                if case .call("zeros_like", _) = p.op { return zero }
                return p
            }
            let pushed = whereCall(f.args[0], branch(f.args[1]), branch(f.args[2]))
            return widen(broadcasts.isEmpty ? pushed : mul([pushed] + broadcasts), to: shape, from: items)
        }
        out.sort(by: factorOrder)
        var result: Sym
        if out.isEmpty { result = num(c) }
        else if c == 1 && out.count == 1 { result = out[0] }
        else { result = Sym(.mul, (c == 1 ? [] : [num(c)]) + out, shape: broadcast(out)) }
        return widen(result, to: shape, from: items)
    }

    /// The total power of the variables that are factors of term `t`.
    static func degree(_ t: Sym) -> Double {
        factors(of: t).powers.reduce(0) { total, f in
            if case .variable = f.0.op, f.1 > 0 { return total + f.1 }
            return total
        }
    }

    /// `index_add(zeros_like(x), i, v)`.
    static func isScatter(_ s: Sym) -> Bool {
        guard case .call("index_add", let kw) = s.op, kw.isEmpty, s.args.count == 3,
              case .call("zeros_like", _) = s.args[0].op else { return false }
        return true
    }

    static func isWhere(_ s: Sym) -> Bool {
        if case .call("where", let kw) = s.op, kw.isEmpty, s.args.count == 3 { return true }
        return false
    }

    /// `where(c, a, b)`, or `a` when both branches agree.
    static func whereCall(_ c: Sym, _ a: Sym, _ b: Sym) -> Sym {
        if a == b { return a }
        return Sym(.call("where", keywords: []), [c, a, b], shape: broadcast([c, a, b]))
    }

    private static func negativeTerms(_ sum: Sym) -> Int {
        sum.args.filter { split($0).0 < 0 }.count
    }

    /// Variables, then powers, then calls and the rest, then sums, then
    /// `ones_like` (a broadcast reads best last); then by text.
    static func factorOrder(_ a: Sym, _ b: Sym) -> Bool {
        func rank(_ s: Sym) -> Int {
            switch s.op {
            case .variable: return 0
            case .pow: return s.args[0].isLeaf ? 1 : 2
            case .add: return 3
            case .call("ones_like", _): return 4
            default: return 2
            }
        }
        let ra = rank(a), rb = rank(b)
        return ra != rb ? ra < rb : a.key < b.key
    }

    // MARK: - Powers

    private static func power(_ base: Sym, _ e: Double) -> Sym { pow(base, num(e)) }

    static func pow(_ base: Sym, _ exponent: Sym) -> Sym {
        let shape = broadcast(base.shape, exponent.shape)
        if let e = exponent.number {
            if e == 1 { return base }
            if e == 0 { return widen(one, to: shape, from: [base]) }
            if let b = base.number { return num(Glibc.pow(b, e)) }
            // (b ** e1) ** e2 = b ** (e1 e2) for an integer e2.
            if case .pow = base.op, let e1 = base.args[1].number, e == e.rounded() {
                return pow(base.args[0], num(e1 * e))
            }
            // (a b) ** k = a ** k b ** k for an integer k: keeps products flat (`1 / (2 * x)`).
            if e == e.rounded(), case .mul = base.op {
                return mul(base.args.map { pow($0, exponent) })
            }
        }
        return Sym(.pow, [base, exponent], shape: shape)
    }

    // MARK: - Other operations

    /// A builtin call, with the identities a reader expects: `sum(c * a) = c * sum(a)`
    /// for a number c, `exp(log(a)) = a`, `log(exp(a)) = a`, `exp(log_softmax(a)) = softmax(a)`.
    static func call(_ name: String, _ args: [Sym], keywords: [(String, Sym)] = [], shape: [Int]) -> Sym {
        if let a = args.first, args.count == 1 {
            if name == "sum" || name == "mean", case .mul = a.op, let c = a.args.first?.number {
                let rest = Array(a.args.dropFirst())
                let inner = rest.count == 1 ? rest[0] : Sym(.mul, rest, shape: a.shape)
                return mul(num(c), call(name, [inner], keywords: keywords, shape: shape))
            }
            if keywords.isEmpty, case .call(let inner, let kw) = a.op, kw.isEmpty, a.args.count == 1,
               name == "exp" && inner == "log" || name == "log" && inner == "exp" {
                return a.args[0]
            }
            if name == "exp", keywords.isEmpty, case .call("log_softmax", let kw) = a.op {
                return Sym(.call("softmax", keywords: kw), a.args, shape: shape)
            }
        }
        return Sym(.call(name, keywords: keywords.map(\.0)), args + keywords.map(\.1), shape: shape)
    }

    /// a @ b, with a @ eye(n) = a and eye(n) @ b = b.
    static func matmul(_ a: Sym, _ b: Sym, shape: [Int]) -> Sym {
        if isEye(b), a.shape == shape { return a }
        if isEye(a), b.shape == shape { return b }
        return Sym(.matmul, [a, b], shape: shape)
    }

    private static func isEye(_ s: Sym) -> Bool {
        if case .call("eye", let kw) = s.op, kw.isEmpty, s.args.count == 1 { return true }
        return false
    }

    static func transpose(_ a: Sym) -> Sym {
        if case .transpose = a.op { return a.args[0] }
        if a.shape.count < 2 { return a }
        return Sym(.transpose, [a], shape: a.shape.reversed())
    }

    static func binary(_ op: String, _ a: Sym, _ b: Sym, shape: [Int]) -> Sym { Sym(.binary(op), [a, b], shape: shape) }

    /// `sum(e)` over every element, with `sum(c * ones_like(v))` as `c * v.size`.
    static func sumAll(_ e: Sym) -> Sym {
        if e.isScalar { return e }
        let (c, powers) = factors(of: e)
        let scalarPart = powers.filter { $0.0.isScalar }
        let arrayPart = powers.filter { !$0.0.isScalar }
        if arrayPart.count == 1, arrayPart[0].1 == 1, isOnesLike(arrayPart[0].0) {
            let v = arrayPart[0].0.args[0]
            return mul([num(c)] + scalarPart.map { power($0.0, $0.1) } + [size(v)])
        }
        return call("sum", [e], shape: [])
    }

    /// The number of elements of `e`: `x.size`.
    static func size(_ e: Sym) -> Sym {
        if e.isScalar { return one }
        return Sym(.call("size", keywords: []), [witness(e)], shape: [])
    }

    /// The length of axis `k` of `e`: `len(x)` or `x.shape[k]`.
    static func length(_ e: Sym, axis k: Int) -> Sym {
        // The rows of a @ b are a's.
        if k == 0, case .matmul = e.op, e.args[0].shape.count == 2 { return length(e.args[0], axis: 0) }
        let w = witness(e)
        if k == 0 { return Sym(.call("len", keywords: []), [w], shape: []) }
        return Sym(.index([.int(k)]), [Sym(.call("shape", keywords: []), [w], shape: [e.shape.count])], shape: [])
    }
}

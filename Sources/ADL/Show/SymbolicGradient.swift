// Symbolic reverse mode for the gradient printer (SPEC §9).
//
// The printer reads the engine's forward trace (Trace.swift: the primitives
// the function executed, with their concrete values) through a narrow
// interface — `nodes`, `guards`, `externals`, `variableNames` — turns each
// node into a `Sym`, and differentiates those with its own rules, written in
// NumPy's vocabulary and independent of concrete shapes: a reduction's
// gradient is `g` broadcast back (`expand_dims` only where an inner axis was
// reduced), a slice's gradient is `pad`, `mean` divides by `x.size`. The
// engine's compiled gradient is specialised to the traced shapes (its
// `broadcast_to((3,))`, its folded `1/n`), which is right for running but
// not for reading. The two are checked against each other: the test suite
// evaluates every printed gradient at random points and compares it with
// `grad(f)` (Tests/ADLTests/ShowTests.swift).
//
// Shapes: a cotangent may be held in a smaller, broadcastable form (the
// gradient of `sum(x)` is the number 1 standing for ones like x); it is
// materialised with `ones_like` only where an operation is not elementwise.

struct SymbolicGradient {
    let trace: Trace
    let vm: VM
    /// The traced function's parameter names, by argument position.
    let parameters: [String]
    private var forward: [Int: Sym] = [:]
    /// How many `sym` calls are under way (each follows an operand one level down).
    private var depth = 0

    init(trace: Trace, vm: VM, parameters: [String]) {
        self.trace = trace
        self.vm = vm
        self.parameters = parameters
    }

    private func unsupported(_ what: String, _ n: Int) -> ADLError {
        let location = trace.nodes[n].location ?? .unknown
        var e = ADLError(.notImplemented, "grad can't show the gradient of \(what) yet", at: location, in: nil)
        e.notes.append("dis(grad(f), x) shows the gradient's bytecode")
        return e
    }

    // MARK: - The function as expressions

    /// The expression of node `n`.
    mutating func sym(_ n: Int) throws -> Sym {
        if let s = forward[n] { return s }
        depth += 1
        defer { depth -= 1 }
        if depth > SymbolicGradient.maximumDepth { throw tooLarge("nested over \(SymbolicGradient.maximumDepth) operations deep", n) }
        let s = try checked(try build(n), n)
        forward[n] = s
        return s
    }

    /// The deepest chain of operations the printer follows from the result back to
    /// the arguments (a loop of 10000 steps makes a chain of 10000 or more). Building,
    /// simplifying and printing recurse along it, so a longer chain would overflow the
    /// stack (a crash the fuzzer found); past it the gradient is too large to print.
    static let maximumDepth = 1000

    /// The printer simplifies trees, not graphs: past this many nodes (a loop
    /// squaring its value, say) a gradient is too large to print.
    static let maximumTreeSize = 20_000

    private func checked(_ s: Sym, _ n: Int) throws -> Sym {
        guard s.treeSize > SymbolicGradient.maximumTreeSize else { return s }
        throw tooLarge("of over \(SymbolicGradient.maximumTreeSize) operations", n)
    }

    private func tooLarge(_ what: String, _ n: Int) -> ADLError {
        var e = ADLError(.value, "the gradient is too large to print (an expression \(what) here)",
                         at: trace.nodes[n].location ?? .unknown, in: nil)
        e.notes.append("dis(grad(f), x) shows the gradient's bytecode")
        return e
    }

    private func shape(_ n: Int) -> [Int] {
        if case .array(let a) = trace.nodes[n].value { return a.shape }
        return []
    }

    /// The name of a global variable holding array `a` (read by the function as a constant).
    private func globalName(_ a: NDArray) -> String? {
        for e in trace.externals {
            guard case .global(let slot) = e.source, case .array(let b)? = e.snapshot, a === b,
                  slot < vm.globals.names.count else { continue }
            return vm.globals.names[slot]
        }
        return nil
    }

    private func constant(_ v: Value, _ n: Int) throws -> Sym {
        switch v {
        case .float(let x): return S.num(x)
        case .int(let i): return S.num(Double(i))
        case .bool(let b): return S.literal(b ? "True" : "False")
        case .none: return S.literal("None")
        case .string(let s): return S.literal(Formatting.repr(.string(s)))
        case .tuple(let t):
            let items = try t.items.map { try constant($0, n) }
            return S.literal("(" + items.map(ADLPrinter.flat).joined(separator: ", ") + (items.count == 1 ? ",)" : ")"))
        case .array(let a):
            if let name = globalName(a) { return S.variable(name, shape: a.shape) }
            if a.shape.isEmpty, !a.isBool { return S.num(a.data[0]) }
            guard a.count <= 16, a.shape.count <= 2 else { throw unsupported("an expression using a large constant array", n) }
            return Sym(.literal(ShowText.arrayLiteral(a)), shape: a.shape)
        default:
            throw unsupported("an expression using a '\(v.typeName)' constant", n)
        }
    }

    private func indexPart(_ v: Value, _ n: Int) throws -> IndexPart {
        func int(_ v: Value) -> Int?? {
            switch v {
            case .none: return .some(nil)
            case .int(let i): return .some(i)
            default: return nil
            }
        }
        switch v {
        case .int(let i): return .int(i)
        case .none: return .newAxis
        case .slice(let s):
            guard let a = int(s.start), let b = int(s.stop), let c = int(s.step) else { break }
            return .slice(a, b, c)
        default: break
        }
        throw unsupported("indexing with \(v.typeName == "array" ? "an index array or mask" : "a '\(v.typeName)'")", n)
    }

    private mutating func build(_ n: Int) throws -> Sym {
        let node = trace.nodes[n]
        let shape = self.shape(n)
        switch node.primitive {
        case .input(let k):
            return S.variable(k < parameters.count ? parameters[k] : "arg\(k)", shape: shape)
        case .external(let k):
            return S.variable("outer\(k)", shape: shape)
        case .constant:
            return try constant(node.value, n)
        case .binary(let op):
            let a = try sym(node.operands[0]), b = try sym(node.operands[1])
            switch op {
            case .add: return S.add(a, b)
            case .sub: return S.sub(a, b)
            case .mul: return S.mul(a, b)
            case .div: return S.div(a, b)
            case .pow: return S.pow(a, b)
            case .matmul: return S.matmul(a, b, shape: shape)
            default:
                guard let text = ShowText.operatorText(op) else { throw unsupported("the operator \(op)", n) }
                return S.binary(text, a, b, shape: shape)
            }
        case .unary(let op):
            let a = try sym(node.operands[0])
            switch op {
            case .negate: return S.neg(a)
            case .plus: return a
            default: throw unsupported("the operator \(op)", n)
            }
        case .call(let builtin, let keywords):
            let operands = try node.operands.map { try sym($0) }
            let positional = Array(operands.prefix(operands.count - keywords.count))
            let named = Array(zip(keywords, operands.suffix(keywords.count)))
            if builtin.name == "transpose", positional.count == 1, keywords.isEmpty { return S.transpose(positional[0]) }
            if builtin.name == "negative", positional.count == 1 { return S.neg(positional[0]) }
            return S.call(builtin.name, positional, keywords: named, shape: shape)
        case .getIndex:
            let base = node.operands[0]
            if case .tuple = trace.nodes[base].value { throw unsupported("a function returning a tuple", n) }
            let parts = try node.operands.dropFirst().map { try indexPart(trace.nodes[$0].value, n) }
            return Sym(.index(parts), [try sym(base)], shape: shape)
        case .transpose:
            return S.transpose(try sym(node.operands[0]))
        case .setIndex:
            throw unsupported("index assignment", n)
        case .display:
            let items = try node.operands.map { try sym($0) }
            return S.call("array", [Sym(.literal("[" + items.map(ADLPrinter.flat).joined(separator: ", ") + "]"), items, shape: shape)],
                          shape: shape)
        case .tuple, .guardTruth, .guardEqual:
            throw unsupported("a tuple", n)
        }
    }

    // MARK: - Reverse mode

    /// The gradient of node `output` (a scalar) with respect to each node of `inputs`.
    mutating func gradients(output: Int, inputs: [Int]) throws -> [Sym] {
        var live = [Bool](repeating: false, count: output + 1)
        for i in inputs where i <= output { live[i] = true }
        for n in 0...output where !live[n] {
            live[n] = trace.nodes[n].operands.contains { $0 < live.count && live[$0] }
        }
        var adjoint: [Int: [Sym]] = [output: [S.one]]
        for n in stride(from: output, through: 0, by: -1) where live[n] {
            guard let parts = adjoint[n], !parts.isEmpty else { continue }
            let node = trace.nodes[n]
            if case .input = node.primitive { continue }
            let g = S.add(parts)
            let contributions = try rule(n, try checked(g, n))
            for (k, c) in contributions {
                _ = try checked(c, n)
                let target = node.operands[k]
                guard live[target] else { continue }
                adjoint[target, default: []].append(try unbroadcast(c, from: n, to: target))
            }
        }
        return try inputs.map { i in
            let x = try sym(i)
            guard let parts = adjoint[i] else {
                return x.isScalar ? S.zero : S.call("zeros_like", [x], shape: x.shape)
            }
            var g = S.add(parts)
            if g.shape != x.shape {
                if let c = g.number { g = c == 1 ? S.onesLike(x) : S.call("full_like", [x, S.num(c)], shape: x.shape) }
                else { g = S.fill(g, like: x) }
            }
            return g
        }
    }

    /// `c`, the cotangent of node `n`, summed down to the shape of operand node `target`.
    private mutating func unbroadcast(_ c: Sym, from n: Int, to target: Int) throws -> Sym {
        // Only an operand that node n broadcast needs summing (a reduction's operand is larger).
        let full = shape(n), want = shape(target)
        if full == want || S.broadcast(full, want) != full { return c }
        var g = c
        if g.shape != full { g = S.fill(g, like: try sym(n)) }
        if want.isEmpty { return S.sumAll(g) }
        let lead = full.count - want.count
        if lead > 0 {
            let axes = Array(0..<lead)
            g = S.call("sum", [g], keywords: [("axis", S.literal(axes.count == 1 ? "0" : "(" + axes.map(String.init).joined(separator: ", ") + ")"))],
                       shape: Array(full.dropFirst(lead)))
        }
        for (i, d) in want.enumerated() where d == 1 && i < g.shape.count && g.shape[i] != 1 {
            var s = g.shape
            s[i] = 1
            g = S.call("sum", [g], keywords: [("axis", S.literal(String(i))), ("keepdims", S.literal("True"))], shape: s)
        }
        return g
    }

    /// `g` with node `n`'s full shape.
    private mutating func materialise(_ g: Sym, _ n: Int) throws -> Sym {
        g.shape == shape(n) ? g : S.fill(g, like: try sym(n))
    }

    // MARK: - Rules

    /// The cotangent contributions of node `n`'s operands (by operand position), given its cotangent `g`.
    private mutating func rule(_ n: Int, _ g: Sym) throws -> [(Int, Sym)] {
        let node = trace.nodes[n]
        let out = try sym(n)
        switch node.primitive {
        case .input, .external, .constant, .guardTruth, .guardEqual:
            return []
        case .unary(let op):
            switch op {
            case .negate: return [(0, S.neg(g))]                       // d(-a) = -da
            case .plus: return [(0, g)]
            default: return []
            }
        case .binary(let op):
            let a = try sym(node.operands[0]), b = try sym(node.operands[1])
            switch op {
            case .add: return [(0, g), (1, g)]                         // d(a + b) = da + db
            case .sub: return [(0, g), (1, S.neg(g))]                  // d(a - b) = da - db
            case .mul: return [(0, S.mul(g, b)), (1, S.mul(g, a))]     // d(ab) = b da + a db
            case .div:                                                 // d(a/b) = da/b - a db/b²
                return [(0, S.div(g, b)), (1, S.neg(S.div(S.mul(g, a), S.pow(b, S.num(2)))))]
            case .pow: return power(a, b, out: out, g: g)
            case .matmul: return try matmul(n, a, b, g: g)
            default: return []                                         // comparisons, //: zero
            }
        case .transpose:
            return [(0, S.transpose(try materialise(g, n)))]           // d(a.T) = (da).T
        case .getIndex:
            return [(0, try index(n, g))]
        case .call(let builtin, let keywords):
            return try call(builtin.name, n, keywords: keywords, out: out, g: g)
        case .setIndex, .display, .tuple:
            throw unsupported(node.primitive.showName, n)
        }
    }

    /// d(a ** b) = b a^(b-1) da + log(a) a^b db
    private func power(_ a: Sym, _ b: Sym, out: Sym, g: Sym) -> [(Int, Sym)] {
        var result: [(Int, Sym)] = []
        result.append((0, S.mul([g, b, S.pow(a, S.add(b, S.num(-1)))])))
        if b.number == nil { result.append((1, S.mul([g, out, S.call("log", [a], shape: a.shape)]))) }
        return result
    }

    /// d(a @ b) = g bᵀ da + aᵀ g db, with vectors as NumPy treats them.
    private mutating func matmul(_ n: Int, _ a: Sym, _ b: Sym, g: Sym) throws -> [(Int, Sym)] {
        let g = try materialise(g, n)
        switch (a.shape.count, b.shape.count) {
        case (1, 1): return [(0, S.mul(g, b)), (1, S.mul(g, a))]
        case (2, 1): return [(0, S.call("outer", [g, b], shape: a.shape)), (1, S.matmul(S.transpose(a), g, shape: b.shape))]
        case (1, 2): return [(0, S.matmul(b, g, shape: a.shape)), (1, S.call("outer", [a, g], shape: b.shape))]
        case (2, 2): return [(0, S.matmul(g, S.transpose(b), shape: a.shape)), (1, S.matmul(S.transpose(a), g, shape: b.shape))]
        default: throw unsupported("@ on arrays of \(a.shape.count) and \(b.shape.count) axes", n)
        }
    }

    /// out = a[parts]: da is g put back where it came from: `pad` for plain
    /// slices, `index_add` into zeros for integer indices.
    private mutating func index(_ n: Int, _ g: Sym) throws -> Sym {
        let node = trace.nodes[n]
        let base = try sym(node.operands[0])
        guard case .index(let parts) = try sym(n).op else { throw unsupported("this index", n) }
        let scalarCotangent = g.isScalar ? g : nil
        let g = try materialise(g, n)
        var widths: [(Int, Int)] = []
        var padable = true
        for p in parts {
            switch p {
            case .slice(let start, let stop, let step) where step == nil || step == 1:
                let before = start ?? 0
                guard before >= 0 else { padable = false; break }
                switch stop {
                case nil: widths.append((before, 0))
                case let s? where s < 0: widths.append((before, -s))
                default: padable = false
                }
            default: padable = false
            }
        }
        if padable {
            while widths.count < base.shape.count { widths.append((0, 0)) }
            let text = widths.count == 1 ? "(\(widths[0].0), \(widths[0].1))"
                : "(" + widths.map { "(\($0.0), \($0.1))" }.joined(separator: ", ") + ")"
            return S.call("pad", [g, S.literal(text)], shape: base.shape)
        }
        // One integer index among full slices (`x[i]`, `x[:, i]`): g where the
        // position along that axis is i, broadcast back along the others.
        let full = IndexPart.slice(nil, nil, nil)
        let intAxes = parts.indices.filter { if case .int = parts[$0] { return true }; return false }
        if intAxes.count == 1, parts.allSatisfy({ $0 == full || { if case .int = $0 { return true }; return false }($0) }) {
            let k = intAxes[0]
            guard case .int(let i) = parts[k] else { throw unsupported("this index", n) }
            let rank = base.shape.count
            let length = S.length(base, axis: k)
            let position = i >= 0 ? S.num(Double(i)) : S.add(length, S.num(Double(i)))
            var mask = S.binary("==", S.call("arange", [length], shape: [base.shape[k]]), position, shape: [base.shape[k]])
            var maskShape = [base.shape[k]]
            for _ in (k + 1)..<max(k + 1, rank) {
                maskShape.append(1)
                mask = S.call("expand_dims", [mask, S.num(-1)], shape: maskShape)
            }
            var spread = scalarCotangent ?? g
            if !spread.isScalar {
                var s = g.shape
                s.insert(1, at: min(k, s.count))
                spread = S.call("expand_dims", [g, S.num(Double(k))], shape: s)
            }
            return S.fill(S.whereCall(mask, spread, S.zero), like: base)
        }
        var ints: [Int] = []
        for p in parts {
            guard case .int(let i) = p else { throw unsupported("slicing with a step, a stop or a mix of slices and integers", n) }
            ints.append(i)
        }
        let zeros = S.call("zeros_like", [S.witness(base)], shape: base.shape)
        let at = "(" + ints.map(String.init).joined(separator: ", ") + (ints.count == 1 ? ",)" : ")")
        return S.call("index_add", [zeros, S.literal(at), g], shape: base.shape)
    }

    // MARK: - Builtins

    private mutating func call(_ name: String, _ n: Int, keywords: [String], out: Sym, g: Sym) throws -> [(Int, Sym)] {
        let node = trace.nodes[n]
        let operands = try node.operands.map { try sym($0) }
        let positional = Array(operands.prefix(operands.count - keywords.count))
        var named: [String: Sym] = [:]
        for (k, key) in keywords.enumerated() { named[key] = operands[positional.count + k] }
        func arg(_ i: Int, _ key: String) -> Sym? {
            let v = i < positional.count ? positional[i] : named[key]
            if let v, case .literal("None") = v.op { return nil }
            return v
        }
        guard let a = positional.first else { throw unsupported("\(name)() with keyword operands", n) }
        func f(_ fn: String, _ x: Sym) -> Sym { S.call(fn, [x], shape: x.shape) }
        func one(_ d: Sym) -> [(Int, Sym)] { [(0, d)] }
        let two = S.num(2)
        switch name {
        case "sin": return one(S.mul(g, f("cos", a)))                                   // sin' = cos
        case "cos": return one(S.neg(S.mul(g, f("sin", a))))                            // cos' = -sin
        case "tan": return one(S.div(g, S.pow(f("cos", a), two)))                       // tan' = 1/cos²
        case "exp": return one(S.mul(g, out))                                           // exp' = exp
        case "exp2": return one(S.mul([g, out, f("log", two)]))                         // (2^a)' = 2^a log 2
        case "expm1": return one(S.mul(g, S.add(out, S.one)))                           // expm1' = expm1 + 1
        case "log": return one(S.div(g, a))                                             // log' = 1/a
        case "log2": return one(S.div(g, S.mul(a, f("log", two))))                      // 1/(a log 2)
        case "log10": return one(S.div(g, S.mul(a, f("log", S.num(10)))))               // 1/(a log 10)
        case "log1p": return one(S.div(g, S.add(a, S.one)))                             // 1/(1 + a)
        case "sqrt": return one(S.div(g, S.mul(two, out)))                              // 1/(2 sqrt a)
        case "square": return one(S.mul([two, g, a]))                                   // 2a
        case "abs", "absolute", "fabs": return one(S.mul(g, f("sign", a)))              // sign a
        case "sinh": return one(S.mul(g, f("cosh", a)))
        case "cosh": return one(S.mul(g, f("sinh", a)))
        case "tanh": return one(S.mul(g, S.sub(S.one, S.pow(out, two))))                // 1 - tanh²
        case "arcsin": return one(S.div(g, f("sqrt", S.sub(S.one, S.pow(a, two)))))
        case "arccos": return one(S.neg(S.div(g, f("sqrt", S.sub(S.one, S.pow(a, two))))))
        case "arctan": return one(S.div(g, S.add(S.one, S.pow(a, two))))
        case "arcsinh": return one(S.div(g, f("sqrt", S.add(S.pow(a, two), S.one))))
        case "arccosh": return one(S.div(g, f("sqrt", S.sub(S.pow(a, two), S.one))))
        case "arctanh": return one(S.div(g, S.sub(S.one, S.pow(a, two))))
        case "sigmoid": return one(S.mul([g, out, S.sub(S.one, out)]))                  // σ(1 - σ)
        case "positive", "float", "asarray", "array", "copy": return one(g)
        case "negative": return one(S.neg(g))
        case "power":
            guard positional.count == 2 else { break }
            return power(a, positional[1], out: out, g: g)
        case "maximum", "minimum":
            // Where one operand wins it gets the gradient (SPEC §8 splits ties evenly; a printed
            // gradient gives a tie to neither side's strict comparison: see docs/show.md).
            guard positional.count == 2 else { break }
            let b = positional[1]
            let wins = S.binary(name == "maximum" ? ">" : "<", a, b, shape: out.shape)
            let loses = S.binary(name == "maximum" ? "<" : ">", a, b, shape: out.shape)
            return [(0, S.whereCall(wins, g, S.zero)), (1, S.whereCall(loses, g, S.zero))]
        case "where":
            guard positional.count == 3 else { break }
            let c = positional[0]
            return [(1, S.whereCall(c, g, S.zero)), (2, S.whereCall(c, S.zero, g))]
        case "sum", "mean":
            var d = try reduced(g, n, input: a, axis: arg(1, "axis"), keepdims: arg(2, "keepdims"))
            if name == "mean" { d = S.div(d, count(a, axis: arg(1, "axis"))) }
            return one(d)
        case "logsumexp":                                                                // e^(a - lse)
            guard let axis = arg(1, "axis") else { return one(S.mul(g, f("exp", S.sub(a, out)))) }
            let kept = S.call("logsumexp", [a], keywords: [("axis", axis), ("keepdims", S.literal("True"))],
                              shape: keptShape(a.shape, axis))
            return one(S.mul(try reduced(g, n, input: a, axis: axis, keepdims: arg(2, "keepdims")), f("exp", S.sub(a, kept))))
        case "softmax", "log_softmax":
            let g = try materialise(g, n)
            let axis = arg(1, "axis") ?? S.num(-1)
            let kw: [(String, Sym)] = [("axis", axis), ("keepdims", S.literal("True"))]
            if name == "softmax" {                                                       // s (g - Σ g s)
                let inner = S.call("sum", [S.mul(g, out)], keywords: kw, shape: keptShape(a.shape, axis))
                return one(S.mul(out, S.sub(g, inner)))
            }
            let total = S.call("sum", [g], keywords: kw, shape: keptShape(a.shape, axis))  // g - e^(out) Σ g
            return one(S.sub(g, S.mul(f("exp", out), total)))
        case "dot", "matmul":
            guard positional.count == 2 else { break }
            if a.isScalar || positional[1].isScalar { return [(0, S.mul(g, positional[1])), (1, S.mul(g, a))] }
            return try matmul(n, a, positional[1], g: g)
        case "outer":
            guard positional.count == 2, a.shape.count == 1, positional[1].shape.count == 1 else { break }
            let g = try materialise(g, n)
            return [(0, S.matmul(g, positional[1], shape: a.shape)), (1, S.matmul(a, g, shape: positional[1].shape))]
        case "transpose":
            guard positional.count == 1, keywords.isEmpty else { break }
            return one(S.transpose(try materialise(g, n)))
        case "reshape", "ravel", "flatten", "squeeze", "expand_dims":
            let w = S.witness(a)
            let shapeSym = S.call("shape", [w], shape: [a.shape.count])
            return one(S.call("reshape", [try materialise(g, n), shapeSym], shape: a.shape))
        case "norm", "linalg.norm":
            guard positional.count == 1, keywords.isEmpty else { break }
            return one(S.div(S.mul(g, a), out))                                          // a / |a|
        case "max", "min", "amax", "amin":
            // Python's max(a, b) is elementwise, as maximum.
            if positional.count == 2, keywords.isEmpty, positional[1].shape.count > 0 || positional[1].number == nil || !a.isScalar {
                if case .literal = positional[1].op {} else {
                    return try call(name.hasSuffix("max") ? "maximum" : "minimum", n, keywords: keywords, out: out, g: g)
                }
            }
            // A reduction: the gradient goes to the extreme elements, shared by ties.
            guard positional.count == 1, arg(1, "axis") == nil else { break }
            let hit = S.binary("==", a, out, shape: a.shape)
            return one(S.div(S.whereCall(hit, g, S.zero), S.call("sum", [hit], shape: [])))
        case "var", "std":
            // var = mean((a - mean(a))²): d var = 2 (a - mean(a)) / n; d std = d var / (2 std).
            guard positional.count == 1, keywords.isEmpty else { break }
            let centered = S.sub(a, S.call("mean", [a], shape: []))
            if name == "var" { return one(S.div(S.mul([S.num(2), g, centered]), S.size(a))) }
            return one(S.div(S.mul(g, centered), S.mul(S.size(a), out)))
        case "clip":
            // The gradient passes strictly inside the bounds (autograd's convention).
            guard positional.count == 3 else { break }
            var inside: Sym?
            if let lo = arg(1, "a_min") { inside = S.binary(">", a, lo, shape: a.shape) }
            if let hi = arg(2, "a_max") {
                let below = S.binary("<", a, hi, shape: a.shape)
                inside = inside.map { S.binary("&", $0, below, shape: a.shape) } ?? below
            }
            guard let inside else { return one(g) }
            return one(S.whereCall(inside, g, S.zero))
        case "logaddexp":                                                                // e^(a - out), e^(b - out)
            guard positional.count == 2 else { break }
            return [(0, S.mul(g, f("exp", S.sub(a, out)))), (1, S.mul(g, f("exp", S.sub(positional[1], out))))]
        case "hypot":                                                                    // a / h, b / h
            guard positional.count == 2 else { break }
            return [(0, S.div(S.mul(g, a), out)), (1, S.div(S.mul(g, positional[1]), out))]
        case "arctan2":                                                                  // (x, -y) / (x² + y²)
            guard positional.count == 2 else { break }
            let b = positional[1]
            let r2 = S.add(S.pow(a, two), S.pow(b, two))
            return [(0, S.div(S.mul(g, b), r2)), (1, S.neg(S.div(S.mul(g, a), r2)))]
        case "cumsum":
            // The reverse cumulative sum: flip(cumsum(flip(g))).
            guard positional.count == 1, keywords.isEmpty, a.shape.count == 1 else { break }
            let gm = try materialise(g, n)
            return one(f("flip", f("cumsum", f("flip", gm))))
        case "trace":
            guard positional.count == 1, keywords.isEmpty, a.shape.count == 2, a.shape[0] == a.shape[1] else { break }
            return one(S.mul(g, S.call("eye", [S.length(a, axis: 0)], shape: a.shape)))   // d tr A = I
        case "linalg.inv":                                                               // -A⁻ᵀ g A⁻ᵀ
            guard positional.count == 1, a.shape.count == 2 else { break }
            let t = S.transpose(out)
            return one(S.neg(S.matmul(S.matmul(t, try materialise(g, n), shape: a.shape), t, shape: a.shape)))
        case "linalg.det":                                                               // det A · A⁻ᵀ
            guard positional.count == 1, a.shape.count == 2 else { break }
            return one(S.mul([g, out, S.transpose(S.call("linalg.inv", [a], shape: a.shape))]))
        case "stop_gradient", "sign", "floor", "ceil", "round", "zeros_like", "ones_like":
            return []
        default: break
        }
        throw unsupported("\(name)()", n)
    }

    /// The shape of a reduction over `axis` with the axis kept.
    private func keptShape(_ shape: [Int], _ axis: Sym) -> [Int] {
        guard let k = axis.number.map({ Int($0) }) else { return shape }
        var s = shape
        let i = k < 0 ? k + s.count : k
        if i >= 0 && i < s.count { s[i] = 1 }
        return s
    }

    private func axes(_ axis: Sym?, rank: Int) -> [Int]? {
        guard let axis else { return nil }
        if let k = axis.number { return [Int(k) < 0 ? Int(k) + rank : Int(k)] }
        if case .literal(let text) = axis.op {
            let ints = text.split(whereSeparator: { "(), ".contains($0) }).compactMap { Int($0) }
            return ints.map { $0 < 0 ? $0 + rank : $0 }
        }
        return nil
    }

    /// The number of elements a mean over `axis` averages: `x.size`, `len(x)`, `x.shape[k]`.
    private func count(_ a: Sym, axis: Sym?) -> Sym {
        guard let axs = axes(axis, rank: a.shape.count) else { return S.size(a) }
        return S.mul(axs.map { S.length(a, axis: $0) })
    }

    /// The gradient of a reduction of `input` over `axis`: g broadcast back.
    private mutating func reduced(_ g: Sym, _ n: Int, input a: Sym, axis: Sym?, keepdims: Sym?) throws -> Sym {
        let kept: Bool = { if case .literal("True")? = keepdims?.op { return true }; return false }()
        guard let axs = axes(axis, rank: a.shape.count), !kept, !g.isScalar else { return g }
        let g = try materialise(g, n)
        // Reduced leading axes broadcast back by themselves; inner ones need expand_dims.
        let sorted = axs.sorted()
        if sorted == Array(0..<sorted.count) { return g }
        var d = g
        var shape = g.shape
        for k in sorted {
            shape.insert(1, at: min(k, shape.count))
            d = S.call("expand_dims", [d, S.num(Double(k))], shape: shape)
        }
        return d
    }
}

extension Primitive {
    /// What the printer calls this primitive in a message.
    var showName: String {
        switch self {
        case .setIndex: return "index assignment"
        case .display: return "a list display"
        case .tuple: return "a tuple"
        default: return "this operation"
        }
    }
}

/// Text helpers shared by the printers.
enum ShowText {
    /// The comparison, floor-division, modulo and logical operators a printed gradient
    /// can hold (the arithmetic ones are built by the simplifier's own nodes).
    static let printableOperators: Set<OpCode> = [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual,
                                                  .floorDiv, .mod, .bitAnd, .bitOr]

    static func operatorText(_ op: OpCode) -> String? {
        printableOperators.contains(op) ? Operators.symbol(op) : nil
    }

    /// A small array as an ADL list display: `array([1.0, 2.0])`.
    static func arrayLiteral(_ a: NDArray) -> String {
        func item(_ x: Double) -> String { a.isBool ? (x != 0 ? "True" : "False") : ADLPrinter.number(x) }
        if a.shape.count == 1 { return "array([" + (0..<a.count).map { item(a.data[$0]) }.joined(separator: ", ") + "])" }
        let cols = a.shape[1]
        let rows = (0..<a.shape[0]).map { r in "[" + (0..<cols).map { item(a.data[r * cols + $0]) }.joined(separator: ", ") + "]" }
        return "array([" + rows.joined(separator: ", ") + "])"
    }
}

// Whole programs from a tiny grammar: statements (assignments, index assignments,
// `if`, `for`, `while`, `def`, `return`, `break`...) over random expressions (numbers,
// arrays, calls to builtins with random arguments, methods, indexing, lambdas,
// f-strings, differentiation). Most programs parse; many fail at run time with a
// shape, type or name error, which is what they are for. Sizes are kept small so
// that a program runs in a fraction of a millisecond.

struct ProgramGenerator {
    var rng: SplitMix64
    private var variables = ["x", "y", "z", "a"]
    private var functions: [(name: String, arity: Int)] = []
    private var loopDepth = 0
    private var functionDepth = 0
    private var counter = 0
    /// Whether this program may contain constructs ADL rejects (`*args`, `<<`, `in`,
    /// `return` outside a function...); most programs are clean, so that they reach the VM.
    private var dirty = false

    init(rng: SplitMix64) { self.rng = rng }

    // MARK: - Programs and statements

    mutating func program() -> String {
        var lines: [String] = []
        dirty = rng.chance(10)
        if !dirty || rng.chance(50) {
            lines.append("x = \(arrayAtom())")
            lines.append("y = \(literal())")
            lines.append("z = \(arrayAtom())")
            lines.append("a = \(literal())")
        }
        let count = rng.int(1, 8)
        for _ in 0..<count {
            lines += statement(indent: "", depth: 2)
        }
        return lines.joined(separator: "\n") + (rng.chance(90) ? "\n" : "")
    }

    private mutating func block(indent: String, depth: Int) -> [String] {
        let inner = indent + (!dirty || rng.chance(90) ? "    " : rng.pick([" ", "  ", "\t", "        "]))
        var lines: [String] = []
        for _ in 0..<rng.int(1, 3) {
            lines += statement(indent: inner, depth: depth - 1)
        }
        return lines
    }

    private mutating func fresh(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    private mutating func variable() -> String {
        dirty && rng.chance(5) ? rng.pick(["undefined", "q", "np", "print", "sum", "argv"]) : rng.pick(variables)
    }

    private mutating func target() -> String {
        if rng.chance(30) {
            let v = fresh("v")
            variables.append(v)
            return v
        }
        return rng.pick(variables)
    }

    private mutating func statement(indent: String, depth: Int) -> [String] {
        let compound = depth > 0
        let choice = rng.weighted([
            20, // assignment
            6,  // augmented assignment
            8,  // index assignment
            3,  // unpacking
            10, // print
            8,  // expression statement
            compound ? 8 : 0, // if
            compound ? 7 : 0, // for
            compound ? 3 : 0, // while
            compound ? 6 : 0, // def
            functionDepth > 0 ? 6 : (dirty ? 1 : 0), // return
            loopDepth > 0 ? 3 : (dirty ? 1 : 0), // break / continue
            2,  // del
            1,  // pass
            1,  // import
            2,  // one-line suite
        ])
        switch choice {
        case 0:
            return [indent + "\(target()) = \(expr(rng.int(1, 3)))"]
        case 1:
            let op = rng.pick(["+=", "-=", "*=", "/=", "**=", "//=", "%=", "@=", "&=", "|="])
            return [indent + "\(variable()) \(op) \(expr(2))"]
        case 2:
            let op = rng.chance(75) ? "=" : rng.pick(["+=", "-=", "*=", "/="])
            return [indent + "\(variable())[\(index(2))] \(op) \(expr(2))"]
        case 3:
            let a = target(), b = target()
            return [indent + "\(a), \(b) = \(rng.chance(70) ? "\(expr(2)), \(expr(2))" : expr(2))"]
        case 4:
            let n = rng.int(0, 3)
            let args = (0..<n).map { _ in expr(rng.int(1, 3)) }.joined(separator: ", ")
            return [indent + "print(\(args))"]
        case 5:
            return [indent + expr(rng.int(1, 3))]
        case 6:
            var lines = [indent + "if \(expr(2)):"] + block(indent: indent, depth: depth)
            if rng.chance(30) { lines += [indent + "elif \(expr(2)):"] + block(indent: indent, depth: depth) }
            if rng.chance(40) { lines += [indent + "else:"] + block(indent: indent, depth: depth) }
            return lines
        case 7:
            let v = target()
            let iterable: String
            switch rng.below(4) {
            case 0: iterable = "range(\(rng.size(small: 5, large: 100)))"
            case 1: iterable = "range(\(rng.int(-3, 3)), \(rng.int(-3, 8)), \(rng.pick(["1", "2", "-1", "0", "1.5"])))"
            case 2: iterable = rng.pick(["x", "(1, 2, 3)", "[1, 'a', None]", "[[1, 2], [3, 4]]", "'abc'", "{'k': 1}"])
            default: iterable = expr(2)
            }
            loopDepth += 1
            defer { loopDepth -= 1 }
            var lines = [indent + "for \(v) in \(iterable):"] + block(indent: indent, depth: depth)
            if dirty && rng.chance(10) { lines += [indent + "else:", indent + "    pass"] }
            return lines
        case 8:
            let c = fresh("c")
            let limit = rng.size(small: 5, large: 200)
            loopDepth += 1
            defer { loopDepth -= 1 }
            return [indent + "\(c) = 0", indent + "while \(c) < \(limit):", indent + "    \(c) += 1"]
                + block(indent: indent, depth: depth)
        case 9:
            let name = fresh("f")
            let arity = rng.int(0, 3)
            var params = (0..<arity).map { "p\($0)" }
            if rng.chance(30) { params.append("k=\(atom())") }
            let saved = variables
            variables += params.map { String($0.prefix { $0 != "=" }) }
            functionDepth += 1
            if rng.chance(20) { functions.append((name, arity)) } // may recurse
            var lines = [indent + "def \(name)(\(params.joined(separator: ", "))):"] + block(indent: indent, depth: depth)
            lines.append(indent + "    return \(expr(2))")
            functionDepth -= 1
            variables = saved
            if !functions.contains(where: { $0.name == name }) { functions.append((name, arity)) }
            var call = [indent + "\(target()) = \(name)(\((0..<arity).map { _ in expr(2) }.joined(separator: ", ")))"]
            if rng.chance(20) { call = [] }
            return lines + call
        case 10:
            return [indent + (rng.chance(80) ? "return \(expr(2))" : "return")]
        case 11:
            return [indent + rng.pick(["break", "continue"])]
        case 12:
            let v = rng.pick(variables)
            if variables.count > 4 { variables.removeAll { $0 == v } }
            return [indent + "del \(v)"]
        case 13:
            return [indent + "pass"]
        case 14:
            return [indent + rng.pick(["import numpy as np", "from numpy import *", "import numpy", "import scipy", "from numpy import zeros"])]
        default:
            let header = rng.pick(["if \(expr(1)):", "for \(target()) in range(3):", "while False:", "def \(fresh("g"))():"])
            return [indent + "\(header) \(target()) = \(expr(2)); print(\(expr(1)))"]
        }
    }

    // MARK: - Expressions

    mutating func expr(_ depth: Int) -> String {
        if depth <= 0 || rng.chance(20) { return atom() }
        let d = depth - 1
        switch rng.weighted([14, 4, 16, 7, 4, 8, 3, 4, 3, 4, 2, 3, 4, 4, 3, 2]) {
        case 0:
            let op = rng.pick(["+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "and", "or", "is", "is not"]
                              + (dirty ? ["^", "<<", ">>", "in", "not in"] : []))
            return "(\(expr(d)) \(op) \(expr(d)))"
        case 1:
            return "(\(rng.pick(["-", "+", "~", "not "]))\(expr(d)))"
        case 2:
            return builtinCall(d)
        case 3:
            let method = rng.pick(Tokens.arrayMethodNames)
            return "\(primary(d)).\(method)(\(arguments(d)))"
        case 4:
            return "\(primary(d)).\(rng.pick(["T", "shape", "size", "ndim", "real", "flat", "x", "fun"]))"
        case 5:
            return "\(primary(d))[\(index(d))]"
        case 6:
            return "(\(expr(d)) if \(expr(d)) else \(expr(d)))"
        case 7:
            let params = rng.pick(["x", "a, b", "", "x, y=2"] + (dirty ? ["*args", "x, x", "y=1, x"] : []))
            let body = expr(d)
            if rng.chance(50) {
                let n = params.isEmpty ? 0 : params.split(separator: ",").count
                return "(lambda \(params): \(body))(\((0..<n).map { _ in expr(d) }.joined(separator: ", ")))"
            }
            return "(lambda \(params): \(body))"
        case 8:
            let n = rng.int(0, 3)
            let trailing = (n == 1 || (n > 1 && rng.chance(30))) ? "," : ""
            return "(\((0..<n).map { _ in expr(d) }.joined(separator: ", "))\(trailing))"
        case 9:
            let n = rng.size(small: 4, large: 40)
            if rng.chance(50) {
                // A list display of arrays of one shape (an array) or of mixed things (a list).
                let e = expr(d)
                return "[\(Array(repeating: e, count: n).joined(separator: ", "))]"
            }
            return "[\((0..<n).map { _ in expr(d) }.joined(separator: ", "))]"
        case 10:
            return "{\((0..<rng.int(0, 3)).map { _ in "\(rng.pick(["'a'", "'b'", "\"maxiter\"", "1"])): \(expr(d))" }.joined(separator: ", "))}"
        case 11:
            let spec = rng.pick(["", ":.3f", ":e", ":>10", ":.2e", ":d", ":x", "!r", "!s", "=", ":.100f", ":10000"]
                                + (dirty ? [":{y}", ":{", "!"] : []))
            let field = expr(d)
            // A field may not hold the f-string's own quote (as before Python 3.12).
            if !field.contains("\"") { return "f\"v {\(field)\(spec)} w\"" }
            if !field.contains("'") { return "f'v {\(field)\(spec)} w'" }
            return "str(\(field))"
        case 12:
            if let f = functions.isEmpty ? nil : rng.pick(functions) {
                let n = rng.chance(85) ? f.arity : rng.int(0, 4)
                return "\(f.name)(\((0..<n).map { _ in expr(d) }.joined(separator: ", ")))"
            }
            return builtinCall(d)
        case 13:
            let ops = ["<", "<=", ">", ">=", "==", "!="]
            var s = expr(d)
            for _ in 0..<rng.int(1, 3) { s += " \(rng.pick(ops)) \(expr(d))" }
            return "(\(s))"
        case 14:
            let fn = rng.pick(["grad", "value_and_grad", "elementwise_grad", "jacobian", "hessian", "checkgrad"])
            let body = rng.pick(["sum(x ** 2)", "x * x", "sum(sin(x))", "x", "mean(x) + 1", "x[0]", "sum(x @ x)"])
            if fn == "checkgrad" { return "checkgrad(lambda x: \(body), \(expr(d)))" }
            return "\(fn)(lambda x: \(body))(\(expr(d)))"
        default:
            return "\(primary(d))(\(arguments(d)))"
        }
    }

    /// An expression that can take a trailing `.name`, `[...]` or `(...)`.
    private mutating func primary(_ depth: Int) -> String {
        switch rng.below(4) {
        case 0: return variable()
        case 1: return arrayAtom()
        default: return "(\(expr(depth)))"
        }
    }

    private mutating func builtinCall(_ depth: Int) -> String {
        // Mostly builtins that exist; now and then one SPEC §7 names that may not yet.
        let name = rng.pick(rng.chance(85) ? Tokens.implementedNames : Tokens.builtinNames)
        let prefix = rng.chance(15) ? rng.pick(["np.", "numpy."]) : ""
        return "\(prefix)\(name)(\(arguments(depth)))"
    }

    private mutating func arguments(_ depth: Int) -> String {
        var args: [String] = []
        for _ in 0..<rng.weighted([10, 30, 30, 15, 5]) {
            args.append(rng.chance(80) ? expr(depth) : atom())
        }
        if rng.chance(25) {
            let keyword = rng.pick(["axis", "keepdims", "argnums", "k", "ord", "dtype", "shape", "bounds",
                                   "method", "options", "delimiter", "skiprows", "endpoint", "num", "sep",
                                   "end", "m", "maxiter", "format", "out", "x", "a", "nonsense"])
            let value = rng.pick(["0", "1", "-1", "True", "False", "None", "(0, 1)", "(0, 0)", "2", "99", "'L-BFGS-B'", "\"\"", "1.5"])
            args.append("\(keyword)=\(rng.chance(80) ? value : expr(depth))")
        }
        if dirty && rng.chance(10) { args.append(rng.pick(["*x", "**x", "x=1, x=2", "1=2"])) }
        return args.joined(separator: ", ")
    }

    private mutating func index(_ depth: Int) -> String {
        var parts: [String] = []
        for _ in 0..<rng.weighted([0, 70, 22, 6, 2]) {
            switch rng.below(9) {
            case 0: parts.append(String(rng.int(-4, 4)))
            case 1: parts.append(":")
            case 2: parts.append("\(rng.int(-3, 3)):\(rng.int(-3, 5))")
            case 3: parts.append("::\(rng.pick(["-1", "2", "-2", "0", "3"]))")
            case 4: parts.append("\(rng.pick(["", "1", "-1"])):\(rng.pick(["", "2", "-5"])):\(rng.pick(["", "1", "-1", "0"]))")
            case 5: parts.append(rng.pick(["x > 0", "[0, 1]", "[True, False]", "array([0, -1])", "None", "1.0", "1.5", "'a'", "()"] + (dirty ? ["...", "*x"] : [])))
            case 6: parts.append(String(rng.pick([9223372036854775807, -9223372036854775807, 1 << 40, 100])))
            default: parts.append(expr(depth))
            }
        }
        return parts.joined(separator: ", ")
    }

    // MARK: - Atoms

    /// An atom that is not a variable.
    mutating func literal() -> String {
        var a: String
        repeat { a = atom() } while variables.contains(a)
        return a
    }

    mutating func atom() -> String {
        switch rng.weighted([20, 10, 25, 6, 4, 4, 15, 3]) {
        case 0: return String(rng.int(-3, 10))
        case 1: return rng.pick(["1.5", "0.5", "-2.0", "1e-3", "1e300", "2.", ".25", "0.0", "-0.0", "1e-310", "3.0"])
        case 2: return variable()
        case 3: return rng.pick(["pi", "e", "inf", "nan", "-inf"])
        case 4: return rng.pick(["True", "False", "None"])
        case 5: return rng.pick(["'abc'", "\"\"", "'x'", "\"L-BFGS-B\"", "'é∂'"])
        case 6: return arrayAtom()
        default: return rng.pick(["9223372036854775807", "-9223372036854775807", "4611686018427387904", "2147483647", "1e308", "1_000_000"])
        }
    }

    mutating func arrayAtom() -> String {
        let n = rng.size(small: 5, large: 1200)
        let m = rng.size(small: 4, large: 1200)
        switch rng.below(12) {
        case 0: return "[1.0, 2.0, 3.0]"
        case 1: return "[[1, 2], [3, 4]]"
        case 2: return "arange(\(n))"
        case 3: return "zeros((\(n), \(m)))"
        case 4: return "ones(\(n))"
        case 5: return "eye(\(rng.size(small: 4, large: 1100)))"
        case 6: return "linspace(0, 1, \(n))"
        case 7: return "arange(\(n * max(m, 1))).reshape(\(n), \(m))"
        case 8: return "[]"
        case 9: return "array([[1.0, -2.0, 3.5], [0.0, 4.0, -1.0]])"
        case 10: return "full((\(rng.int(0, 3)), \(rng.int(0, 3)), \(rng.int(0, 3))), \(rng.pick(["1.5", "nan", "inf", "True"])))"
        case 11 where rng.chance(40):
            // Empty arrays, some with huge other axes (their products and strides overflow easily).
            return rng.pick(["zeros((0, 3))", "zeros((3, 0, 2))", "zeros((0, 4611686018427387904))",
                             "zeros((2305843009213693952, 2, 0))", "zeros((0, 2305843009213693952, 2)).T",
                             "zeros((0, 1, 9223372036854775807))", "ones((1, 1, 1, 1))", "zeros(0)"])
        default: return "[True, False, True]"
        }
    }
}

// Readable gradients (SPEC §9): the `grad f` command and the `show` and
// `emit` builtins. A `ShownGradient` is the gradient of one function as
// simplified expressions, with shared subexpressions bound to names; it
// prints as text (`∂f/∂x = 2 * (x + 1)`), LaTeX, or a standalone `def`.
//
// Without example arguments (`grad f`, `show(grad(f))`) the function is
// traced at placeholder arguments: every argument a scalar, then every
// argument a vector, then every argument a matrix, then mixtures, all axes
// of one length, values in [0.5, 1.5); the first that runs and returns a
// scalar is used. The rules print no shapes, and the gradient is traced
// again at a second axis length to check that the printed form is the same
// (else the error asks for `at`). A branch on a traced value cannot be
// printed for every input: the error points at it and suggests `at`.

import Glibc

struct ShownGradient {
    var functionName: String
    /// The names of the arguments differentiated, in order.
    var arguments: [String]
    /// All parameter names of the function (for `emit`'s def).
    var parameters: [String]
    var lets: [(name: String, value: Sym)]
    var gradients: [Sym]
    /// The arguments the function was traced at (placeholders or the `at` values).
    var examples: [Value] = []

    // MARK: - Printing

    /// `let t1 = ...` lines, then `∂f/∂x = ...`, wrapped at `width` columns.
    func text(width: Int) -> String {
        var lines: [String] = []
        for (name, value) in lets {
            let prefix = "let \(name) = "
            lines.append(prefix + ADLPrinter.render(value, width: width, start: prefix.unicodeScalars.count))
        }
        for (x, g) in zip(arguments, gradients) {
            let prefix = "∂\(functionName)/∂\(x) = "
            lines.append(prefix + ADLPrinter.render(g, width: width, start: prefix.unicodeScalars.count))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func latex() -> String {
        var lines: [String] = []
        for (name, value) in lets { lines.append(LaTeXPrinter.name(name) + " = " + LaTeXPrinter.render(value)) }
        for (x, g) in zip(arguments, gradients) {
            lines.append("\\frac{\\partial \(LaTeXPrinter.name(functionName))}{\\partial \(LaTeXPrinter.name(x))} = " + LaTeXPrinter.render(g))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ADL source of `def grad_f(params): ...` returning the gradient (a tuple for several arguments).
    func source(width: Int = 80) -> String {
        let name = "grad_" + (functionName.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? functionName : "f")
        var out = "def \(name)(\(parameters.joined(separator: ", "))):\n"
        func statement(_ head: String, _ value: Sym) {
            let start = 4 + head.unicodeScalars.count
            let text = ADLPrinter.render(value, width: width, start: start, base: 4)
            // A wrapped expression continues inside parentheses (implicit line joining).
            out += "    " + head + (text.contains("\n") ? "(" + ADLPrinter.render(value, width: width, start: start + 1, base: 4) + ")" : text) + "\n"
        }
        for (n, v) in lets { statement("\(n) = ", v) }
        if gradients.count == 1 {
            statement("return ", gradients[0])
        } else {
            let names = arguments.map { "d_" + $0 }
            for (n, g) in zip(names, gradients) { statement("\(n) = ", g) }
            out += "    return (" + names.joined(separator: ", ") + ")\n"
        }
        return out
    }

    /// The operator count of the printed gradient, `let` lines included.
    var operationCount: Int {
        lets.reduce(0) { $0 + $1.value.operationCount } + gradients.reduce(0) { $0 + $1.operationCount }
    }
}

enum Show {
    /// The terminal width: $COLUMNS when standard output is a terminal, else 80
    /// (so output piped to a file or a test does not depend on the terminal).
    static var width: Int {
        if isatty(1) != 0, let c = getenv("COLUMNS"), let w = Int(String(cString: c)), w >= 20 { return w }
        return 80
    }

    // MARK: - Analysis

    /// The gradient of `function` with respect to `wrt` (parameter positions; nil: all),
    /// traced at `at` when given, else at placeholders.
    static func analyse(_ vm: VM, _ function: Value, name: String, wrt: [Int]?, at: [Value]?) throws -> ShownGradient {
        guard case .function(let f) = function else {
            if case .builtin(let b) = function {
                throw ADLError.type("grad can show the gradient of a function defined in ADL, not of the builtin '\(b.name)'")
            }
            throw ADLError.type("grad can show the gradient of a function defined in ADL, not of a '\(function.typeName)'")
        }
        let proto = f.proto
        let required = max(0, proto.parameters.count - f.defaults.count)
        let count = at?.count ?? required
        let parameters = Array(proto.parameters.prefix(max(count, required)))
        if count > proto.parameters.count {
            throw ADLError.argument("\(name) takes \(proto.parameters.count) argument\(proto.parameters.count == 1 ? "" : "s") but \(count) example values were given")
        }
        if count < required {
            throw ADLError.argument("\(name) needs \(required) argument\(required == 1 ? "" : "s") but \(count) example value\(count == 1 ? " was" : "s were") given")
        }
        let argnums = wrt ?? Array(0..<count)
        if let k = argnums.first(where: { $0 < 0 || $0 >= count }) {
            let what = k >= 0 && k < proto.parameters.count ? "argument '\(proto.parameters[k])'" : "argument \(k)"
            if at == nil, k < proto.parameters.count {
                throw ADLError.argument("\(name) is differentiated with respect to \(what), which has a default value; give example values for the arguments")
            }
            throw ADLError.argument("\(name) is differentiated with respect to \(what), but \(count) argument\(count == 1 ? " is" : "s are") given")
        }
        if let at {
            return try shown(vm, function, name: name, parameters: parameters, argnums: argnums, arguments: at, checkBranches: false)
        }
        guard count > 0 else { throw ADLError.argument("\(name) has no arguments to differentiate") }
        // Placeholder ranks: all vectors, all scalars, all matrices, then mixtures by total rank.
        var candidates: [[Int]] = [[Int](repeating: 1, count: count), [Int](repeating: 0, count: count), [Int](repeating: 2, count: count)]
        if count <= 4 {
            var mixed: [[Int]] = []
            func fill(_ prefix: [Int]) {
                if prefix.count == count { if !candidates.contains(prefix) { mixed.append(prefix) }; return }
                for r in 0...2 { fill(prefix + [r]) }
            }
            fill([])
            candidates += mixed.sorted { a, b in
                let ta = a.reduce(0, +), tb = b.reduce(0, +)
                return ta != tb ? ta < tb : a.lexicographicallyPrecedes(b)
            }
        }
        var firstError: ADLError?
        // Axis lengths 3, then 2 and 4 (a global matrix may fix an argument's length).
        for ranks in candidates {
          for length in ranks.allSatisfy({ $0 == 0 }) ? [3] : [3, 2, 4] {
            let args = placeholders(ranks, length: length)
            do {
                let result = try shown(vm, function, name: name, parameters: parameters, argnums: argnums, arguments: args, checkBranches: true)
                // The same printed form at another length, or the form depends on the shapes.
                if !ranks.allSatisfy({ $0 == 0 }) {
                    // (A function whose shapes are pinned by its globals may not run at the other length.)
                    let other = try? shown(vm, function, name: name, parameters: parameters, argnums: argnums,
                                           arguments: placeholders(ranks, length: length + 2), checkBranches: true)
                    if let other, other.text(width: Int.max) != result.text(width: Int.max) {
                        var e = ADLError.value("the printed gradient of \(name) depends on the shapes of its arguments")
                        e.notes.append("give example arguments: grad \(name) at EXPR, ...")
                        throw e
                    }
                }
                return result
            } catch let e as ADLError where isFinal(e) {
                throw e
            } catch let e as ADLError {
                if firstError == nil { firstError = e }
            }
          }
        }
        var e = firstError ?? ADLError.value("\(name) could not be traced")
        e.notes.append("no scalar, vector or matrix arguments make \(name) return a number; give example arguments: grad \(name) at EXPR, ...")
        throw e
    }

    /// An error that other placeholder shapes would not avoid: an interrupt (Ctrl-C,
    /// a time limit) or the memory limit, and the printer's own (an unsupported
    /// operation, a branch, a shape-dependent form, a size limit).
    static func isFinal(_ e: ADLError) -> Bool {
        e.kind == .interrupt || e.kind == .memory || e.kind == .notImplemented
            || e.message.contains("branches on the value") || e.message.contains("depends on the shapes")
            || e.message.contains("too large to print")
    }

    /// Placeholder arguments of the given ranks, all axes `length` long.
    static func placeholders(_ ranks: [Int], length: Int) -> [Value] {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return 0.5 + Double(seed >> 11) / Double(1 << 53)
        }
        return ranks.map { r in
            if r == 0 { return .float(next()) }
            let shape = [Int](repeating: length, count: r)
            let values = (0..<shape.reduce(1, *)).map { _ in next() }
            return (try? NDArray(shape: shape, values: values)).map { Value.array($0) } ?? .float(next())
        }
    }

    /// Traces `function` at `arguments` and differentiates the trace symbolically.
    static func shown(_ vm: VM, _ function: Value, name: String, parameters: [String], argnums: [Int],
                      arguments: [Value], checkBranches: Bool) throws -> ShownGradient {
        let outer = vm.activeTrace
        let trace = Trace(enclosing: outer)
        trace.variableNames = [:]
        vm.activeTrace = trace
        // What the function prints while it runs at placeholders is not the user's output.
        let write = vm.write
        vm.write = { _ in }
        defer { vm.activeTrace = outer; vm.write = write }
        var inputs: [Int] = []
        var traced: [Value] = []
        for (k, v) in arguments.enumerated() {
            try Differentiator.checkDifferentiable(v, position: k)
            let t = try trace.input(k, Trace.concrete(v))
            inputs.append(trace.node(of: t) ?? -1)
            traced.append(t)
        }
        let out = try vm.call(function, Arguments(traced))
        vm.activeTrace = outer
        if checkBranches, let g = trace.guards.first {
            let node = trace.nodes[g]
            var e = ADLError(.value, "\(name) branches on the value of its arguments here, so its gradient has no single formula",
                             at: node.location ?? .unknown, in: nil)
            e.notes.append("give example arguments to pick the branch: grad \(name) at EXPR, ...")
            throw e
        }
        switch out {
        case .float, .int, .bool: break
        case .array(let a) where a.shape.isEmpty: break
        case .array(let a):
            throw ADLError.type("grad requires a function with a scalar output, but \(name) returned an array of shape \(Formatting.shape(a.shape))")
        default:
            throw ADLError.type("grad requires a function with a scalar output, but \(name) returned a '\(out.typeName)'")
        }
        var symbolic = SymbolicGradient(trace: trace, vm: vm, parameters: parameters)
        var gradients: [Sym]
        if let o = trace.node(of: out) {
            gradients = try symbolic.gradients(output: o, inputs: argnums.map { inputs[$0] })
        } else {
            gradients = try argnums.map { k in
                let x = try symbolic.sym(inputs[k])
                return x.isScalar ? S.zero : S.call("zeros_like", [x], shape: x.shape)
            }
        }
        // The user's names for shared values.
        var userNames: [Sym: String] = [:]
        for (n, variable) in (trace.variableNames ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let s = try? symbolic.sym(n), userNames[s] == nil, !s.isLeaf else { continue }
            userNames[s] = variable
        }
        let (lets, outputs) = bindShared(gradients, userNames: userNames, reserved: Set(parameters))
        return ShownGradient(functionName: name, arguments: argnums.map { parameters[$0] }, parameters: parameters,
                             lets: lets, gradients: outputs, examples: arguments)
    }

    /// Binds every subexpression used more than once to a name (the user's
    /// variable's where one held it, else t1, t2...), in dependency order.
    static func bindShared(_ outputs: [Sym], userNames: [Sym: String], reserved: Set<String>) -> ([(name: String, value: Sym)], [Sym]) {
        var uses: [Sym: Int] = [:]
        var order: [Sym] = []
        func count(_ s: Sym) {
            // A node too small to name is transparent: its operands count at each use.
            if s.isLeaf || isTrivial(s) { s.args.forEach(count); return }
            uses[s, default: 0] += 1
            guard uses[s] == 1 else { return }
            for a in s.args { count(a) }
            order.append(s)
        }
        outputs.forEach(count)
        var taken = reserved
        var variablesUsed = Set<String>()
        var visited = Set<ObjectIdentifier>()
        func collectVariables(_ s: Sym) {
            guard visited.insert(ObjectIdentifier(s)).inserted else { return }
            if case .variable(let v) = s.op { variablesUsed.insert(v) }
            s.args.forEach(collectVariables)
        }
        outputs.forEach(collectVariables)
        taken.formUnion(variablesUsed)
        var lets: [(name: String, value: Sym)] = []
        var replace: [Sym: Sym] = [:]
        var counter = 0
        for s in order where (uses[s] ?? 0) >= 2 && !s.isLeaf && !isTrivial(s) {
            var name: String
            if let u = userNames[s], !taken.contains(u) { name = u } else {
                repeat { counter += 1; name = "t\(counter)" } while taken.contains(name)
            }
            taken.insert(name)
            let definition = Sym(s.op, s.args.map { $0.substituting(replace) }, shape: s.shape)
            lets.append((name, definition))
            replace[s] = S.variable(name, shape: s.shape)
        }
        return (lets, outputs.map { $0.substituting(replace) })
    }

    /// Too small to be worth a name: `-e`, `x.size`, `len(x)`, `1 / y`, `x[1:]`.
    static func isTrivial(_ s: Sym) -> Bool {
        if case .call(let n, _) = s.op, ["size", "len", "shape"].contains(n) { return true }
        if case .mul = s.op, s.args.count == 2, s.args[0].number == -1 { return true }
        if case .pow = s.op, s.args[0].isLeaf || isTrivial(s.args[0]), s.args[1].number == -1 { return true }
        if case .index = s.op, s.args[0].isLeaf { return true }
        return false
    }

    // MARK: - Entry points

    /// The function, argnums and name behind `g` (a `grad(f)` or a function).
    static func target(_ g: Value, _ vm: VM) -> (Value, [Int]?, String) {
        if case .builtin(let b) = g, let d = b.payload as? Differentiator {
            return (d.function, d.argnums, displayName(d.function, vm))
        }
        return (g, nil, displayName(g, vm))
    }

    /// A def's name; for a lambda, the global it is stored in (`loss = lambda ...`), else `f`.
    static func displayName(_ f: Value, _ vm: VM) -> String {
        let n = Library.functionName(f)
        if n.first.map({ $0.isLetter || $0 == "_" }) == true { return n }
        if case .function(let fo) = f {
            for (i, name) in vm.globals.names.enumerated() {
                if case .function(let other) = vm.globals[i], other === fo { return name }
            }
        }
        return "f"
    }

    /// Runs the `grad` command: `grad f`, `grad f wrt x, y`, `grad f at EXPR, ...`.
    static func command(_ vm: VM, _ c: Command) throws {
        var text = Substring(c.argument)
        func word() -> Substring {
            text = text.drop(while: { $0 == " " })
            let w = text.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
            text = text.dropFirst(w.count)
            return w
        }
        let name = String(word())
        guard !name.isEmpty else {
            throw c.error(.syntax, "grad needs a function name: grad f, grad f wrt x, grad f at EXPR, ...")
        }
        guard let function = vm.globals.value(of: name) else {
            var e = c.error(.name, "name '\(name)' is not defined", atArgumentOffset: 0)
            if let s = Suggestions.closest(to: name, among: vm.globals.definedNames) { e.notes.append("did you mean '\(s)'?") }
            throw e
        }
        guard case .function(let f) = function else {
            throw c.error(.type, "grad \(name): '\(name)' is a '\(function.typeName)', not a function defined in ADL", atArgumentOffset: 0)
        }
        var wrtNames: [String]?
        var atValues: [Value]?
        while true {
            let offset = c.argument.unicodeScalars.count - text.unicodeScalars.count
            let keyword = word()
            if keyword.isEmpty {
                let rest = text.trimmingCharacters(in: " ")
                if rest.isEmpty { break }
                throw c.error(.syntax, "expected 'wrt NAME, ...' or 'at EXPR, ...' after 'grad \(name)'", atArgumentOffset: offset + 1)
            }
            if keyword == "wrt" {
                var names: [String] = []
                repeat {
                    let at = c.argument.unicodeScalars.count - text.unicodeScalars.count
                    let x = String(word())
                    guard let k = f.proto.parameters.firstIndex(of: x) else {
                        throw c.error(.name, "\(name) has no argument '\(x)' (its arguments: \(f.proto.parameters.joined(separator: ", ")))",
                                      atArgumentOffset: at + 1)
                    }
                    _ = k
                    names.append(x)
                    text = text.drop(while: { $0 == " " })
                } while text.first == "," && { text = text.dropFirst(); return true }()
                wrtNames = names
            } else if keyword == "at" {
                let expressionOffset = c.argument.unicodeScalars.count - text.unicodeScalars.count
                atValues = try evaluate(vm, String(text), c, offset: expressionOffset)
                text = ""
            } else {
                throw c.error(.syntax, "expected 'wrt' or 'at' after 'grad \(name)', found '\(keyword)'", atArgumentOffset: offset + 1)
            }
        }
        let wrt = wrtNames.map { names in names.compactMap { f.proto.parameters.firstIndex(of: $0) } }
        do {
            let shown = try analyse(vm, function, name: name, wrt: wrt, at: atValues)
            vm.write(shown.text(width: width))
        } catch var e as ADLError {
            if e.location == nil { e.location = c.location; e.file = c.file }
            else if e.file == nil { e.file = f.proto.chunk.file }
            throw e
        }
    }

    /// The values of `EXPR, ...` (at `offset` in the command's argument) in the session.
    /// An error in them points into the command line.
    static func evaluate(_ vm: VM, _ text: String, _ c: Command, offset: Int = 0) throws -> [Value] {
        let helper = "__grad_at__"
        let prefix = "    return ("
        let source = SourceFile(name: "<grad at>", text: "def \(helper)():\n\(prefix)\(text),)\n")
        // A syntax error, located in the expression itself.
        let alone = SourceFile(name: "<grad at>", text: text)
        do {
            _ = try Parser.parseExpression(alone)
        } catch var e as ADLError {
            let column = min(max(0, Int(e.location?.column ?? 1) - 1), text.unicodeScalars.count)
            e.location = c.location(inArgument: offset + column)
            e.file = c.file
            throw e
        }
        do {
            try vm.run(source: source, echo: false)
            guard let fn = vm.globals.value(of: helper) else { return [] }
            let slot = vm.globals.slot(for: helper)
            defer { vm.globals[slot] = .undefined }
            let v = try vm.call(fn, Arguments([]))
            if case .tuple(let t) = v { return t.items }
            return [v]
        } catch var e as ADLError where e.file === source || e.location == nil {
            // Column k of the helper's second line is column k - prefix of the expression.
            var column = 0
            if let l = e.location, l.line == 2 { column = max(0, Int(l.column) - 1 - prefix.count) }
            column = min(column, text.unicodeScalars.count)
            e.location = c.location(inArgument: offset + column)
            e.file = c.file
            e.trace = []
            throw e
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return s
    }
}

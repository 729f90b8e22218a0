// Tests of `Parser`: precedence (through a fully-parenthesised printer),
// locations, every statement form, error messages with their line:column,
// nesting limits, and a randomised robustness loop.

import XCTest
@testable import ADL

/// Helpers shared by `LexerTests` and `ParserTests`.
enum SyntaxTestSupport {
    static func file(_ text: String) -> SourceFile {
        SourceFile(name: "test.adl", text: text)
    }

    /// The expression as fully-parenthesised text: `1 + 2 * 3` is `(1 + (2 * 3))`.
    static func show(_ expr: Expr) -> String {
        switch expr.kind {
        case .int(let value): return String(value)
        case .float(let value): return String(value)
        case .string(let text): return quote(text)
        case .fstring(let parts):
            var out = "f'"
            for part in parts {
                switch part {
                case .literal(let text): out += text
                case .expr(let inner, let conversion, let spec):
                    out += "{" + show(inner)
                    if let conversion { out += "!" + conversion }
                    if let spec { out += ":" + spec }
                    out += "}"
                }
            }
            return out + "'"
        case .bool(let value): return value ? "True" : "False"
        case .none: return "None"
        case .name(let name): return name
        case .tuple(let elements):
            if elements.count == 1, let only = elements.first { return "(" + show(only) + ",)" }
            return "(" + elements.map(show).joined(separator: ", ") + ")"
        case .list(let elements): return "[" + elements.map(show).joined(separator: ", ") + "]"
        case .record(let entries):
            return "{" + entries.map { show($0.key) + ": " + show($0.value) }.joined(separator: ", ") + "}"
        case .unary(let op, let operand): return "(" + op.rawValue + show(operand) + ")"
        case .binary(let op, let lhs, let rhs): return "(" + show(lhs) + " " + op.rawValue + " " + show(rhs) + ")"
        case .compare(let first, let pairs):
            return "(" + show(first) + pairs.map { " " + $0.op.rawValue + " " + show($0.rhs) }.joined() + ")"
        case .and(let lhs, let rhs): return "(" + show(lhs) + " and " + show(rhs) + ")"
        case .or(let lhs, let rhs): return "(" + show(lhs) + " or " + show(rhs) + ")"
        case .not(let operand): return "(not " + show(operand) + ")"
        case .ifExpr(let cond, let then, let orElse):
            return "(" + show(then) + " if " + show(cond) + " else " + show(orElse) + ")"
        case .lambda(let params, let body):
            let list = params.map(showParam).joined(separator: ", ")
            return "(lambda" + (list.isEmpty ? "" : " " + list) + ": " + show(body) + ")"
        case .call(let callee, let args):
            return show(callee) + "(" + args.map { ($0.name.map { $0 + "=" } ?? "") + show($0.value) }
                .joined(separator: ", ") + ")"
        case .subscriptAccess(let base, let subscripts):
            return show(base) + "[" + subscripts.map(showSubscript).joined(separator: ", ") + "]"
        case .attribute(let base, let name): return show(base) + "." + name
        }
    }

    static func showParam(_ param: Param) -> String {
        param.name + (param.defaultValue.map { "=" + show($0) } ?? "")
    }

    static func showSubscript(_ component: Subscript) -> String {
        switch component {
        case .index(let index): return show(index)
        case .slice(let lower, let upper, let step):
            var out = (lower.map(show) ?? "") + ":" + (upper.map(show) ?? "")
            if let step { out += ":" + show(step) }
            return out
        }
    }

    static func quote(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    /// Statements as indented text, one per line: `assign x = 1`, `if (a > 0):` ...
    static func show(_ statements: [Stmt], indent: String = "") -> String {
        statements.map { show($0, indent: indent) }.joined(separator: "\n")
    }

    static func show(_ stmt: Stmt, indent: String = "") -> String {
        let deeper = indent + "  "
        switch stmt.kind {
        case .expr(let expr): return indent + "expr " + show(expr)
        case .assign(let targets, let value):
            return indent + "assign " + targets.map { show($0) + " = " }.joined() + show(value)
        case .augAssign(let target, let op, let value):
            return indent + "aug " + show(target) + " " + op.rawValue + "= " + show(value)
        case .ifStmt(let branches, let orElse):
            var lines: [String] = []
            for (number, branch) in branches.enumerated() {
                lines.append(indent + (number == 0 ? "if " : "elif ") + show(branch.cond) + ":")
                lines.append(show(branch.body, indent: deeper))
            }
            if let orElse {
                lines.append(indent + "else:")
                lines.append(show(orElse, indent: deeper))
            }
            return lines.joined(separator: "\n")
        case .whileStmt(let cond, let body):
            return indent + "while " + show(cond) + ":\n" + show(body, indent: deeper)
        case .forStmt(let target, let iterable, let body):
            return indent + "for " + show(target) + " in " + show(iterable) + ":\n" + show(body, indent: deeper)
        case .breakStmt: return indent + "break"
        case .continueStmt: return indent + "continue"
        case .pass: return indent + "pass"
        case .command(let name, let argument): return indent + "command " + name + " " + argument
        case .returnStmt(let value): return indent + "return" + (value.map { " " + show($0) } ?? "")
        case .del(let targets): return indent + "del " + targets.map(show).joined(separator: ", ")
        case .def(let name, let params, let body):
            return indent + "def " + name + "(" + params.map(showParam).joined(separator: ", ") + "):\n"
                + show(body, indent: deeper)
        case .importModule(let module, let alias):
            return indent + "import " + module + (alias.map { " as " + $0 } ?? "")
        case .importFrom(let module, let names):
            return indent + "from " + module + " import "
                + names.map { $0.name + ($0.alias.map { " as " + $0 } ?? "") }.joined(separator: ", ")
        }
    }

    /// "message @ line:column" of the syntax error `body` throws, or "no error".
    static func errorText(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch let error as ADLError {
            let loc = error.location.map { "\($0.line):\($0.column)" } ?? "?"
            return "\(error.message) @ \(loc)"
        } catch {
            return "not an ADLError: \(error)"
        }
    }
}

final class ParserTests: XCTestCase {
    private typealias S = SyntaxTestSupport

    private func expr(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            return S.show(try Parser.parseExpression(S.file(text)))
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return ""
        }
    }

    private func parseExpr(_ text: String) throws -> Expr {
        try Parser.parseExpression(S.file(text))
    }

    private func program(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            return S.show(try Parser.parse(S.file(text)).statements)
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return ""
        }
    }

    private func statements(_ text: String) throws -> [Stmt] {
        try Parser.parse(S.file(text)).statements
    }

    private func error(_ text: String) -> String {
        S.errorText { _ = try Parser.parse(S.file(text)) }
    }

    private func exprError(_ text: String) -> String {
        S.errorText { _ = try Parser.parseExpression(S.file(text)) }
    }

    // MARK: - Precedence

    // MARK: Command lines

    func testCommandLinesAreReadRawAtTheTopLevel() throws {
        let program = try Parser.parse(SyntaxTestSupport.file(
            "x = 1\ngrad f wrt x  # the slope\n:help sum\n:time f(array([1, '#']))\ny = 2\n"))
        var commands: [String] = []
        for stmt in program.statements {
            if case .command(let name, let argument) = stmt.kind { commands.append("\(name)|\(argument)|\(stmt.loc)") }
        }
        XCTAssertEqual(commands, ["grad|f wrt x|2:1", ":help|sum|3:1", ":time|f(array([1, '#']))|4:1"])
        XCTAssertEqual(program.statements.count, 5)
    }

    func testCodeThatStartsWithGradIsNotACommand() throws {
        for text in ["grad(f)\n", "grad = 3\n", "grad if c else g\n", "grad is None\n", "grad in xs\n",
                     "grad and f\n", "def h():\n    grad f\n"] {
            let program = try? Parser.parse(SyntaxTestSupport.file(text))
            for stmt in program?.statements ?? [] {
                if case .command = stmt.kind { XCTFail("\(text.debugDescription) read as a command") }
            }
        }
        // Indented, `grad f` is code again, and not valid code.
        XCTAssertThrowsError(try Parser.parse(SyntaxTestSupport.file("def h():\n    grad f\n")))
    }

    func testArithmeticPrecedence() {
        XCTAssertEqual(expr("1 + 2 * 3 - 4"), "((1 + (2 * 3)) - 4)")
        XCTAssertEqual(expr("a / b // c % d @ e"), "((((a / b) // c) % d) @ e)")
        XCTAssertEqual(expr("(1 + 2) * 3"), "((1 + 2) * 3)")
    }

    func testPowerBindsTighterThanUnaryMinusOnItsLeft() {
        XCTAssertEqual(expr("-x**2"), "(-(x ** 2))")
        XCTAssertEqual(expr("2**-1"), "(2 ** (-1))")
        XCTAssertEqual(expr("2**3**2"), "(2 ** (3 ** 2))")
        XCTAssertEqual(expr("-2**-x**2"), "(-(2 ** (-(x ** 2))))")
        XCTAssertEqual(expr("~-+x"), "(~(-(+x)))")
        XCTAssertEqual(expr("a * -b"), "(a * (-b))")
    }

    func testBitwisePrecedence() {
        XCTAssertEqual(expr("a | b ^ c & d"), "(a | (b ^ (c & d)))")
        XCTAssertEqual(expr("a & b + c"), "(a & (b + c))")
        XCTAssertEqual(expr("a > 0 | b"), "(a > (0 | b))")
    }

    func testBooleanPrecedence() {
        XCTAssertEqual(expr("not a == b"), "(not (a == b))")
        XCTAssertEqual(expr("a or b and not c"), "(a or (b and (not c)))")
        XCTAssertEqual(expr("a and b and c"), "((a and b) and c)")
        XCTAssertEqual(expr("not not a"), "(not (not a))")
    }

    func testChainedComparisonIsOneNode() throws {
        let chain = try parseExpr("a < b <= c")
        guard case .compare(let first, let pairs) = chain.kind else { return XCTFail("not a compare") }
        XCTAssertEqual(S.show(first), "a")
        XCTAssertEqual(pairs.map(\.op), [.lt, .le])
        XCTAssertEqual(pairs.map { S.show($0.rhs) }, ["b", "c"])
        XCTAssertEqual(chain.loc, SourceLocation(line: 1, column: 3))
        XCTAssertEqual(expr("x is None"), "(x is None)")
        XCTAssertEqual(expr("x is not None != y"), "(x is not None != y)")
        XCTAssertEqual(expr("a == b + 1 > c"), "(a == (b + 1) > c)")
    }

    func testConditionalAndLambda() {
        XCTAssertEqual(expr("a if b else c if d else e"), "(a if b else (c if d else e))")
        XCTAssertEqual(expr("a or b if c and d else e"), "((a or b) if (c and d) else e)")
        XCTAssertEqual(expr("lambda x, y=2: x + y"), "(lambda x, y=2: (x + y))")
        XCTAssertEqual(expr("lambda: 0"), "(lambda: 0)")
        XCTAssertEqual(expr("lambda x: lambda y: x if y else 0"), "(lambda x: (lambda y: (x if y else 0)))")
        XCTAssertEqual(expr("f(lambda x: x, 1)"), "f((lambda x: x), 1)")
        XCTAssertEqual(exprError("a if b"), "expected 'else' after 'if' expression @ 1:7")
    }

    func testCallsWithKeywordArguments() throws {
        XCTAssertEqual(expr("f(a, b, k=v, axis=0,)"), "f(a, b, k=v, axis=0)")
        XCTAssertEqual(expr("f()"), "f()")
        XCTAssertEqual(expr("f(x)(y)"), "f(x)(y)")
        XCTAssertEqual(expr("np.linalg.norm(x).sum(axis=0)"), "np.linalg.norm(x).sum(axis=0)")
        let call = try parseExpr("f(1, k=2)")
        guard case .call(_, let args) = call.kind else { return XCTFail("not a call") }
        XCTAssertEqual(args.map(\.name), [nil, "k"])
        XCTAssertEqual(args.map(\.loc), [SourceLocation(line: 1, column: 3), SourceLocation(line: 1, column: 6)])
    }

    func testCallArgumentErrors() {
        XCTAssertEqual(exprError("f(k=1, 2)"), "positional argument follows keyword argument @ 1:8")
        XCTAssertEqual(exprError("f(k=1, k=2)"), "keyword argument repeated: k @ 1:8")
        XCTAssertEqual(exprError("f(*xs)"), "argument unpacking ('*', '**') is not supported in ADL @ 1:3")
        XCTAssertEqual(exprError("f(a.b=1)"), "expression cannot contain assignment, perhaps you meant \"==\"? @ 1:6")
        XCTAssertEqual(exprError("f(a b)"), "invalid syntax; perhaps you forgot a comma? @ 1:5")
        XCTAssertEqual(exprError("sum(x for x in y)"), "generator expressions are not supported in ADL @ 1:7")
    }

    func testSubscriptsAndSlices() throws {
        XCTAssertEqual(expr("x[i]"), "x[i]")
        XCTAssertEqual(expr("x[i, 1:]"), "x[i, 1:]")
        XCTAssertEqual(expr("x[::2]"), "x[::2]")
        XCTAssertEqual(expr("x[:, None]"), "x[:, None]")
        XCTAssertEqual(expr("x[a:b:c]"), "x[a:b:c]")
        XCTAssertEqual(expr("x[:-1, ::-1, 2:]"), "x[:(-1), ::(-1), 2:]")
        XCTAssertEqual(expr("x[1:2,]"), "x[1:2]")
        XCTAssertEqual(expr("x[x > 0]"), "x[(x > 0)]")
        XCTAssertEqual(expr("m[i][j]"), "m[i][j]")

        let two = try parseExpr("x[1, 2]")
        guard case .subscriptAccess(_, let subscripts) = two.kind else { return XCTFail("not a subscript") }
        XCTAssertEqual(subscripts.count, 2)

        let tuple = try parseExpr("x[(1, 2)]")
        guard case .subscriptAccess(_, let single) = tuple.kind, single.count == 1,
              case .index(let index) = single[0], case .tuple(let elements) = index.kind else {
            return XCTFail("a parenthesised tuple index must stay one tuple component")
        }
        XCTAssertEqual(elements.count, 2)

        guard case .subscriptAccess(_, let parts) = try parseExpr("x[::]").kind,
              case .slice(nil, nil, nil) = parts[0] else { return XCTFail("x[::]") }
        XCTAssertEqual(exprError("x[]"), "invalid syntax @ 1:3")
    }

    func testDisplays() {
        XCTAssertEqual(expr("()"), "()")
        XCTAssertEqual(expr("(a)"), "a")
        XCTAssertEqual(expr("(a,)"), "(a,)")
        XCTAssertEqual(expr("(a, b,)"), "(a, b)")
        XCTAssertEqual(expr("a, b"), "(a, b)")
        XCTAssertEqual(expr("[]"), "[]")
        XCTAssertEqual(expr("[a, [b, c],]"), "[a, [b, c]]")
        XCTAssertEqual(expr("{}"), "{}")
        XCTAssertEqual(expr("{'k': v, \"maxiter\": 100,}"), "{'k': v, 'maxiter': 100}")
        XCTAssertEqual(exprError("{a, b}"), "set displays are not supported in ADL @ 1:1")
        XCTAssertEqual(exprError("{a}"), "set displays are not supported in ADL @ 1:1")
        XCTAssertEqual(exprError("[x for x in y]"), "list comprehensions are not supported in ADL @ 1:4")
        XCTAssertEqual(exprError("[1 2]"), "invalid syntax; perhaps you forgot a comma? @ 1:4")
    }

    func testLiteralsAndStringConcatenation() {
        XCTAssertEqual(expr("1_000 + 0x10 + 2.5e1"), "((1000 + 16) + 25.0)")
        XCTAssertEqual(expr("True and False or None"), "((True and False) or None)")
        XCTAssertEqual(expr("'a' \"b\" '''c'''"), "'abc'")
        XCTAssertEqual(expr("'a' f'{x}' 'b'"), "f'a{x}b'")
        XCTAssertEqual(expr("f'{x!r:>10} and {y:.3f}'"), "f'{x!r:>10} and {y:.3f}'")
        XCTAssertEqual(expr("f'{a, b}'"), "f'{(a, b)}'")
        XCTAssertEqual(expr("f'{x=}'"), "f'x={x!r}'")
        XCTAssertEqual(expr("f'{ x = :.2f}'"), "f' x = {x:.2f}'")
        XCTAssertEqual(expr("f'{d[\"k\"]}'"), "f'{d['k']}'")
    }

    func testFStringExpressionLocationsPointIntoTheSource() throws {
        let stmts = try statements("x = 1\ns = f\"a{y + 1}b{g(z)!r}\"\n")
        guard case .assign(_, let value) = stmts[1].kind, case .fstring(let parts) = value.kind else {
            return XCTFail("not an f-string assignment")
        }
        XCTAssertEqual(value.loc, SourceLocation(line: 2, column: 5))
        XCTAssertEqual(parts.count, 4)
        guard case .expr(let sum, nil, nil) = parts[1], case .binary(.add, let y, _) = sum.kind,
              case .expr(let call, "r", nil) = parts[3] else { return XCTFail("parts") }
        XCTAssertEqual(sum.loc, SourceLocation(line: 2, column: 11))
        XCTAssertEqual(y.loc, SourceLocation(line: 2, column: 9))
        XCTAssertEqual(call.loc, SourceLocation(line: 2, column: 17))
        XCTAssertEqual(error("s = f'{1 +}'"), "invalid syntax @ 1:11")
        XCTAssertEqual(error("s = f'''\n{\n  a $ b}'''"), "invalid character '$' (U+0024) @ 3:5")
    }

    func testConventionsTheCompilerReliesOn() throws {
        // A trailing comma in a subscript adds no component; `x[1, 2]` has two.
        XCTAssertEqual(expr("x[1,]"), "x[1]")
        // Negative literals are unary minus over the literal (fold them in the compiler).
        XCTAssertEqual(expr("-1"), "(-1)")
        XCTAssertEqual(error("x = -9223372036854775808"), "integer literal too large @ 1:6")
        // `{x}` has no spec (nil); `{x:}` has an empty one.
        guard case .fstring(let parts) = try parseExpr("f'{x}{x:}'").kind,
              case .expr(_, nil, nil) = parts[0], case .expr(_, nil, "") = parts[1] else {
            return XCTFail("f-string specs")
        }
        // A call is located where its callee starts, even a parenthesised one.
        XCTAssertEqual(try parseExpr("(f)(x)").loc, SourceLocation(line: 1, column: 1))
        // A bare tuple starts at its first token; a parenthesised one at its `(`.
        XCTAssertEqual(try parseExpr("  a + 1, b").loc, SourceLocation(line: 1, column: 3))
        XCTAssertEqual(try parseExpr("(a, b)").loc, SourceLocation(line: 1, column: 1))
        // Syntax errors carry the file, for the renderer.
        do {
            _ = try Parser.parse(SourceFile(name: "m.adl", text: "x = )"))
        } catch let error as ADLError {
            XCTAssertEqual(error.file?.name, "m.adl")
        }
    }

    func testRealisticProgram() {
        let text = """
        #!/usr/bin/env adl
        import numpy as np

        def loss(w, x, y, lam=0.1):
            r = x @ w - y      # residuals
            return (r ** 2).mean() + lam * np.sum(w ** 2)

        w = np.zeros(3)
        for step in range(100):
            g = grad(loss)(w, X, Y)
            if np.linalg.norm(g) < 1e-8: break
            w -= 0.01 * g
        print(f"final loss {loss(w, X, Y):.6f} after {step + 1} steps")
        """
        XCTAssertEqual(program(text), """
        import numpy as np
        def loss(w, x, y, lam=0.1):
          assign r = ((x @ w) - y)
          return ((r ** 2).mean() + (lam * np.sum((w ** 2))))
        assign w = np.zeros(3)
        for step in range(100):
          assign g = grad(loss)(w, X, Y)
          if (np.linalg.norm(g) < 1e-08):
            break
          aug w -= (0.01 * g)
        expr print(f'final loss {loss(w, X, Y):.6f} after {(step + 1)} steps')
        """)
    }

    func testBlankAndCommentLinesInsideBlocks() {
        let text = "if x:\n\n    # note\n  # odd indent is fine for comments\n    a = 1\n\n    b = 2\nc = 3\n"
        XCTAssertEqual(program(text), "if x:\n  assign a = 1\n  assign b = 2\nassign c = 3")
    }

    // MARK: - Locations

    func testOperatorAndPostfixLocations() throws {
        func loc(_ text: String) throws -> String {
            let expr = try parseExpr(text)
            return "\(expr.loc.line):\(expr.loc.column)"
        }
        XCTAssertEqual(try loc("a + b"), "1:3")
        XCTAssertEqual(try loc("a  and b"), "1:4")
        XCTAssertEqual(try loc("a or b"), "1:3")
        XCTAssertEqual(try loc("not a"), "1:1")
        XCTAssertEqual(try loc("x if c else y"), "1:3")
        XCTAssertEqual(try loc("a.b.c(1)"), "1:1")
        XCTAssertEqual(try loc("  f(1)(2)"), "1:3")
        XCTAssertEqual(try loc("xs[0]"), "1:3")
        XCTAssertEqual(try loc("obj.attr"), "1:4")
        XCTAssertEqual(try loc("-x"), "1:1")
        XCTAssertEqual(try loc("[1, 2]"), "1:1")
        XCTAssertEqual(try loc("lambda: 1"), "1:1")
        XCTAssertEqual(try loc("(1 + 2)"), "1:4")
        XCTAssertEqual(try loc("x ** 2"), "1:3")
        XCTAssertEqual(try loc("αβ + 1"), "1:4")
    }

    func testStatementLocations() throws {
        let stmts = try statements("x = 1\nif x:\n    y = x\n    return y\nfor i in r: pass\n")
        XCTAssertEqual(stmts.map(\.loc), [SourceLocation(line: 1, column: 1), SourceLocation(line: 2, column: 1),
                                          SourceLocation(line: 5, column: 1)])
        guard case .ifStmt(let branches, _) = stmts[1].kind else { return XCTFail("if") }
        XCTAssertEqual(branches[0].body.map(\.loc), [SourceLocation(line: 3, column: 5), SourceLocation(line: 4, column: 5)])
    }

    // MARK: - Statements

    func testAssignments() {
        XCTAssertEqual(program("a = b = 1 + 2"), "assign a = b = (1 + 2)")
        XCTAssertEqual(program("a, b = f()"), "assign (a, b) = f()")
        XCTAssertEqual(program("x = 1, 2"), "assign x = (1, 2)")
        XCTAssertEqual(program("(a, [b, c]) = t"), "assign (a, [b, c]) = t")
        XCTAssertEqual(program("x[i, 1:] = v"), "assign x[i, 1:] = v")
        XCTAssertEqual(program("r.maxiter = 3"), "assign r.maxiter = 3")
        XCTAssertEqual(program("x += 1\nx[i] -= v\nr.a **= 2\nm @= w\nb |= c"),
                       "aug x += 1\naug x[i] -= v\naug r.a **= 2\naug m @= w\naug b |= c")
        XCTAssertEqual(program("f(x)"), "expr f(x)")
    }

    func testAssignmentTargetErrors() {
        XCTAssertEqual(error("1 = x"), "cannot assign to literal @ 1:1")
        XCTAssertEqual(error("f(x) = 1"), "cannot assign to function call @ 1:1")
        XCTAssertEqual(error("a, f() = 1, 2"), "cannot assign to function call @ 1:4")
        XCTAssertEqual(error("a + b = c"), "cannot assign to expression @ 1:1")
        XCTAssertEqual(error("x = None = 1"), "cannot assign to None @ 1:5")
        XCTAssertEqual(error("a < b = 1"), "cannot assign to comparison @ 1:1")
        XCTAssertEqual(error("a, b += 1"), "'tuple' is an illegal expression for augmented assignment @ 1:1")
        XCTAssertEqual(error("f() += 1"), "'function call' is an illegal expression for augmented assignment @ 1:1")
        XCTAssertEqual(error("for f() in x: pass"), "cannot assign to function call @ 1:5")
        XCTAssertEqual(error("del 1"), "cannot delete literal @ 1:5")
        XCTAssertEqual(error("x: int = 1"), "type annotations are not supported in ADL @ 1:2")
        XCTAssertEqual(error("x <<= 1"), "the '<<=' operator is not supported in ADL @ 1:3")
    }

    func testIfElifElse() {
        let text = """
        if a > 0:
            x = 1
        elif a < 0:
            x = -1
        else:
            x = 0
        """
        XCTAssertEqual(program(text), "if (a > 0):\n  assign x = 1\nelif (a < 0):\n  assign x = (-1)\nelse:\n  assign x = 0")
        XCTAssertEqual(program("if x: a = 1; b = 2\nc = 3"), "if x:\n  assign a = 1\n  assign b = 2\nassign c = 3")
        XCTAssertEqual(program("if x: pass\nelse: y = 1;"), "if x:\n  pass\nelse:\n  assign y = 1")
    }

    func testLoops() {
        XCTAssertEqual(program("while i < n:\n    i += 1\n    if i == 3: break\n    continue"),
                       "while (i < n):\n  aug i += 1\n  if (i == 3):\n    break\n  continue")
        XCTAssertEqual(program("for i in range(3):\n    pass"), "for i in range(3):\n  pass")
        XCTAssertEqual(program("for i, j in pairs: pass"), "for (i, j) in pairs:\n  pass")
        XCTAssertEqual(program("for (i, (j, k)) in t: pass"), "for (i, (j, k)) in t:\n  pass")
        XCTAssertEqual(program("for x, in a, b: pass"), "for (x,) in (a, b):\n  pass")
        XCTAssertEqual(program("break\ncontinue\nreturn 1"), "break\ncontinue\nreturn 1")
        XCTAssertEqual(error("while x: pass\nelse: pass"), "'else' clauses on loops are not supported in ADL @ 2:1")
    }

    func testFunctionDefinitions() {
        let text = """
        def f(a, b=2, c=3,):
            # a comment
            return a + b * c

        def g(): return
        def h(x): return x, -x
        """
        XCTAssertEqual(program(text),
                       "def f(a, b=2, c=3):\n  return (a + (b * c))\ndef g():\n  return\ndef h(x):\n  return (x, (-x))")
        XCTAssertEqual(error("def f(a=1, b): pass"), "non-default argument follows default argument @ 1:12")
        XCTAssertEqual(error("def f(a, a): pass"), "duplicate argument 'a' in function definition @ 1:10")
        XCTAssertEqual(error("def f(*args): pass"),
                       "variadic parameters ('*args', '**kwargs') are not supported in ADL @ 1:7")
        XCTAssertEqual(error("def f(**kw): pass"),
                       "variadic parameters ('*args', '**kwargs') are not supported in ADL @ 1:7")
        XCTAssertEqual(error("f = lambda x, x: 1"), "duplicate argument 'x' in function definition @ 1:15")
        XCTAssertEqual(error("def f(x: int): pass"), "type annotations are not supported in ADL @ 1:8")
        XCTAssertEqual(error("def f(x) -> int: pass"), "return annotations are not supported in ADL @ 1:10")
        XCTAssertEqual(error("@dec\ndef f(): pass"), "decorators are not supported in ADL @ 1:1")
    }

    func testReturnDelPassAndImports() {
        XCTAssertEqual(program("return\nreturn a, b\npass\ndel a, b[i], c.d"),
                       "return\nreturn (a, b)\npass\ndel a, b[i], c.d")
        XCTAssertEqual(program("import numpy\nimport numpy as np\nimport numpy.linalg as la, math"),
                       "import numpy\nimport numpy as np\nimport numpy.linalg as la\nimport math")
        XCTAssertEqual(program("from numpy import *\nfrom numpy import sum, mean as m\nfrom numpy.linalg import (inv, det,)"),
                       "from numpy import *\nfrom numpy import sum, mean as m\nfrom numpy.linalg import inv, det")
        XCTAssertEqual(error("from . import x"), "relative imports are not supported in ADL @ 1:6")
        XCTAssertEqual(error("from numpy import a,"), "trailing comma not allowed without surrounding parentheses @ 1:21")
        XCTAssertEqual(error("import"), "expected a module name @ 1:7")
    }

    func testSemicolonsAndBlankLines() {
        XCTAssertEqual(program("a = 1; b = 2;\n\n# c\n   \nc = 3"), "assign a = 1\nassign b = 2\nassign c = 3")
        XCTAssertEqual(program(""), "")
        XCTAssertEqual(program("# only a comment\n"), "")
    }

    // MARK: - Errors

    func testBlockErrors() {
        XCTAssertEqual(error("x = 1\n\nif x > 1:\ny = 2"), "expected an indented block after 'if' statement on line 3 @ 4:1")
        XCTAssertEqual(error("def f(x):\nreturn x"), "expected an indented block after function definition on line 1 @ 2:1")
        XCTAssertEqual(error("for i in x:\n"), "expected an indented block after 'for' statement on line 1 @ 1:12")
        XCTAssertEqual(error("if a:\n  pass\nelse:\npass"), "expected an indented block after 'else' statement on line 3 @ 4:1")
        XCTAssertEqual(error("x = 1\n    y = 2"), "unexpected indent @ 2:5")
        XCTAssertEqual(error("if x\n    pass"), "expected ':' @ 1:5")
        XCTAssertEqual(error("if x = 1:\n    pass"), "invalid syntax; maybe you meant '==' instead of '='? @ 1:6")
        XCTAssertEqual(error("else:\n    pass"), "invalid syntax @ 1:1")
    }

    func testInvalidSyntaxLocations() {
        XCTAssertEqual(error("x = 1 +\ny = 2"), "invalid syntax @ 1:8")
        XCTAssertEqual(error("x = = 1"), "invalid syntax @ 1:5")
        XCTAssertEqual(error("x = 1 2"), "invalid syntax @ 1:7")
        XCTAssertEqual(error("print 'hello'"), "missing parentheses in call to 'print'; did you mean print(...)? @ 1:1")
        XCTAssertEqual(error("a in b"), "the 'in' operator is not supported in ADL @ 1:3")
        XCTAssertEqual(error("a not in b"), "the 'not in' operator is not supported in ADL @ 1:3")
        XCTAssertEqual(error("x = a << 2"), "the '<<' operator is not supported in ADL @ 1:7")
        XCTAssertEqual(error("x[..., 0]"), "'...' (Ellipsis) is not supported in ADL @ 1:3")
        XCTAssertEqual(error("if (n := 10) > 5: pass"), "the ':=' operator is not supported in ADL @ 1:7")
        XCTAssertEqual(error("x = 1 if y"), "expected 'else' after 'if' expression @ 1:11")
        XCTAssertEqual(error("x.1"), "invalid syntax @ 1:2")
        XCTAssertEqual(error("x = 2 + *y"), "invalid syntax @ 1:9")
        XCTAssertEqual(error("x = [*y]"), "'*' unpacking is not supported in ADL @ 1:6")
        XCTAssertEqual(error("f(x"), "'(' was never closed @ 1:2")
    }

    func testUnsupportedKeywordsAndCharacters() {
        XCTAssertEqual(error("class A: pass"), "'class' is not supported in ADL @ 1:1")
        XCTAssertEqual(error("try:\n    x\nexcept: pass"), "'try' is not supported in ADL @ 1:1")
        XCTAssertEqual(error("x = y\nglobal z"), "'global' is not supported in ADL @ 2:1")
        XCTAssertEqual(error("x = $"), "invalid character '$' (U+0024) @ 1:5")
        XCTAssertEqual(error("x = !y"), "'!' is not an operator in ADL; use 'not' (or '!=') @ 1:5")
    }

    func testTheErrorMetFirstInTheFileIsReported() {
        // A parse error before a lexical error wins, and the other way round.
        XCTAssertEqual(error("x = = 1\ny = $"), "invalid syntax @ 1:5")
        XCTAssertEqual(error("x = $\ny = = 1"), "invalid character '$' (U+0024) @ 1:5")
        XCTAssertEqual(error("x = 1\ny = 'abc"), "unterminated string literal @ 2:5")
        XCTAssertEqual(error("x = (1,\ny = 2"), "'(' was never closed @ 1:5")
        XCTAssertEqual(error("if x:\n    a = 1\n  b = 2"), "unindent does not match any outer indentation level @ 3:3")
    }

    func testErrorsRenderWithTheSourceLineAndCaret() {
        do {
            _ = try Parser.parse(SourceFile(name: "m.adl", text: "x = 1\ny = (2 +* 3)\n"))
            XCTFail("expected an error")
        } catch let error as ADLError {
            XCTAssertEqual(error.kind, .syntax)
            XCTAssertEqual(error.description, """
            error: invalid syntax
              --> m.adl:2:9
               |
             2 | y = (2 +* 3)
               |         ^

            """)
        } catch {
            XCTFail("not an ADLError")
        }
    }

    // MARK: - Limits

    func testNestingLimits() {
        let ok = String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
        XCTAssertEqual(exprError(ok), "no error")
        let deep = String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        XCTAssertTrue(exprError(deep).hasPrefix("too many nested parentheses @ 1:"))
        let lists = "x = " + String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        XCTAssertTrue(error(lists).hasPrefix("too many nested parentheses"))
        XCTAssertTrue(exprError(String(repeating: "-", count: 1000) + "x").hasPrefix("expression too deeply nested"))
        XCTAssertTrue(exprError(String(repeating: "not ", count: 1000) + "x").hasPrefix("expression too deeply nested"))
        XCTAssertTrue(exprError(Array(repeating: "2", count: 1000).joined(separator: "**")).hasPrefix("expression too deeply nested"))
        XCTAssertTrue(exprError(String(repeating: "lambda: ", count: 300) + "0").hasPrefix("too many nested parentheses"))

        var blocks = ""
        for level in 0..<250 {
            blocks += String(repeating: " ", count: level) + "if x:\n"
        }
        blocks += String(repeating: " ", count: 250) + "pass\n"
        XCTAssertTrue(error(blocks).hasPrefix("too many nested blocks"))
    }

    func testLongOperatorChains() {
        let fine = Array(repeating: "x", count: 500).joined(separator: " + ")
        XCTAssertEqual(exprError(fine), "no error")
        let long = Array(repeating: "x", count: 5000).joined(separator: " + ")
        XCTAssertTrue(exprError(long).hasPrefix("expression too long or too deeply nested"))
        let calls = "f" + String(repeating: "()", count: 5000)
        XCTAssertTrue(exprError(calls).hasPrefix("expression too long or too deeply nested"))
        // A flat list of many elements is not deep.
        let wide = "[" + Array(repeating: "1", count: 20000).joined(separator: ", ") + "]"
        XCTAssertEqual(exprError(wide), "no error")
        // Nested groups cannot stack chains past the limit either.
        var stacked = "x"
        for _ in 0..<10 {
            stacked = "(" + stacked + Array(repeating: " + x", count: 150).joined() + ")"
        }
        XCTAssertTrue(exprError(stacked).hasPrefix("expression too long or too deeply nested"))
    }

    // MARK: - Entry points

    func testParseExpressionTakesOneExpression() {
        XCTAssertEqual(expr("1.0, 2.0"), "(1.0, 2.0)")
        XCTAssertEqual(expr("f(x,\n  y)\n"), "f(x, y)")
        XCTAssertEqual(exprError("x = 1"), "invalid syntax @ 1:3")
        XCTAssertEqual(exprError(""), "invalid syntax @ 1:1")
    }

    func testIsIncomplete() {
        XCTAssertTrue(Parser.isIncomplete("if x:"))
        XCTAssertTrue(Parser.isIncomplete("def f(x):\n"))
        XCTAssertTrue(Parser.isIncomplete("f(1,"))
        XCTAssertTrue(Parser.isIncomplete("s = '''abc"))
        XCTAssertTrue(Parser.isIncomplete("x = 1 + \\"))
        XCTAssertFalse(Parser.isIncomplete("x = 1"))
        XCTAssertFalse(Parser.isIncomplete("if x:\n    y = 1\n"))
        XCTAssertFalse(Parser.isIncomplete("x = = (1,"))
        XCTAssertFalse(Parser.isIncomplete("s = 'abc"))
        XCTAssertFalse(Parser.isIncomplete("x = )"))
    }

    // MARK: - Robustness


    func testRandomMutationsNeverCrash() {
        let samples = [
            """
            import numpy as np
            from numpy import *

            def loss(w, x, y=None):
                # squared error
                r = x @ w - y
                if r.shape[0] > 1 and not y is None:
                    return (r ** 2).sum(axis=0) / len(r)
                elif -r[0] <= 2**-1:
                    return r[::2, None]
                else:
                    return {"a": [1, 2.5e-3, .5], 'b': (1,)}

            for i, j in zip(a, b):
                x[i, 1:] += f"{i!r:>10} {j:.3f} {{}}"; continue
            while True: break
            g = lambda a, b=2: a if b else -a
            print(loss(w, x), "done" 'x', r'\\d')
            """,
            "x = [[1, 2], [3, 4]]\ny = x[0][1:] * -x ** 2 // 3 % 4\ndel y\nz = 0x1F | 0b101 & ~0o17 ^ 1",
            "if a:\n  if b:\n    pass\n  else:\n    c = (\n      1,\n      2)\n\\\nd = 1; e = '''\nmulti\n'''",
        ]
        let junk = ["(", ")", "[", "]", "{", "}", ":", "\n", "    ", "\t", "'", "\"", "'''", "f'{", "}", "\\",
                    "#", ",", "=", "**", "lambda", "if", "else", "def", "not", "$", "!", "1_", "0x", ".", "é", "\r",
                    "\u{0}", "@", ";", "->", ":=", "...", "return", "for", "in"]
        var random = SplitMix64(state: 20_240_601)
        for iteration in 0..<2000 {
            var text = Array(samples[iteration % samples.count].unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let count = text.count
                let a = count == 0 ? 0 : Int.random(in: 0..<count, using: &random)
                let b = min(count, a + Int.random(in: 0...12, using: &random))
                switch Int.random(in: 0..<7, using: &random) {
                case 0: text.removeSubrange(a..<b)
                case 1: text.insert(contentsOf: Array(text[a..<b]), at: a)
                case 2:
                    let piece = junk[Int.random(in: 0..<junk.count, using: &random)]
                    text.insert(contentsOf: Array(piece.unicodeScalars), at: a)
                case 3:
                    let c = count == 0 ? 0 : Int.random(in: 0..<count, using: &random)
                    if a < count && c < count { text.swapAt(a, c) }
                case 4:
                    let scalar = Unicode.Scalar(UInt8.random(in: 0...127, using: &random))
                    text.insert(scalar, at: a)
                case 5:
                    let open = ["(", "[", "{", "-", "not ", "lambda: "][Int.random(in: 0..<6, using: &random)]
                    text.insert(contentsOf: Array(String(repeating: open, count: 300).unicodeScalars), at: a)
                default:
                    let lines = String(String.UnicodeScalarView(text)).split(separator: "\n", omittingEmptySubsequences: false)
                    if lines.count > 1 {
                        var shuffled = lines
                        shuffled.swapAt(Int.random(in: 0..<lines.count, using: &random),
                                        Int.random(in: 0..<lines.count, using: &random))
                        text = Array(shuffled.joined(separator: "\n").unicodeScalars)
                    }
                }
            }
            let source = SourceFile(name: "fuzz.adl", text: String(String.UnicodeScalarView(text)))
            for parse in [{ _ = try Parser.parse(source) }, { _ = try Parser.parseExpression(source) }] as [() throws -> Void] {
                do {
                    try parse()
                } catch let error as ADLError {
                    XCTAssertEqual(error.kind, .syntax)
                    guard let loc = error.location else { return XCTFail("no location: \(error.message)") }
                    XCTAssertTrue(loc.line >= 1 && Int(loc.line) <= source.lines.count && loc.column >= 1,
                                  "location \(loc) outside the text for: \(error.message)")
                    _ = error.description
                } catch {
                    XCTFail("not an ADLError: \(error)")
                }
            }
            _ = Parser.isIncomplete(source.text)
        }
    }
}

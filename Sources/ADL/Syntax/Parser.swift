// Turns tokens into the AST of AST.swift: a recursive-descent parser whose
// functions are named after the rules of Python's grammar they implement
// (each with its rule in a `///` comment), restricted to the ADL subset.
//
// Locations: binary, comparison, `and`/`or`/`not` and `a if c else b` nodes
// carry their operator token (`+`, the first `<`, `and`, `if`); a call carries
// the location where its callee starts; a subscript its `[`; an attribute its
// `.`; every other node and every statement its first token.
//
// Invariants: every token read goes through `current`/`peek`, which answer the
// final `.eof` past the end, so no input can index out of range. Recursion is
// bounded: `depth` counts the open nested expressions (parentheses, unary
// operators, lambdas...) and stops at `maxNesting`; `blockDepth` does the same
// for blocks; `height` tracks the height of the tree just built, so that long
// operator chains cannot build a tree too tall for the recursive passes that
// walk it later. Measured cost of the deepest nesting accepted (200): about
// 0.4 MB of stack in a release build, about 3 MB in a debug build.

/// Parses ADL source into a `Program` (or one `Expr`).
public struct Parser {
    /// The deepest nesting of expressions (parentheses, unary operators, lambdas...) accepted.
    static let maxNesting = 200
    /// The deepest nesting of blocks accepted.
    static let maxBlockNesting = 200
    /// The tallest expression tree accepted (a chain `a + b + ...` of n terms is n tall).
    static let maxTreeHeight = 1000

    /// The parse position and counters, shared by all the rule functions. A class, so
    /// that each rule passes one pointer down rather than copying the parser's state
    /// (which made every level of a deep recursion cost kilobytes of stack).
    private final class State {
        var index = 0
        /// Open nested expressions, for the recursion limit.
        var depth: Int
        /// Open nested blocks, for the recursion limit.
        var blockDepth = 0
        /// The height of the expression tree most recently returned by an expression rule
        /// (for rules that return lists, the tallest element; 0 for none).
        var height = 0
        /// Set when parsing failed because a block header ended the input (the REPL reads on).
        var blockExpectedAtEnd = false

        init(depth: Int) {
            self.depth = depth
        }
    }

    /// The tokens, ending with `.eof`.
    private let tokens: [Token]
    private let source: SourceFile
    private let state: State

    /// A parser over `tokens` (an `.eof` is added if missing); `depth` carries the
    /// nesting of an enclosing parser into an f-string field.
    init(tokens: [Token], source: SourceFile, depth: Int = 0) {
        var tokens = tokens
        if tokens.last?.kind != .eof {
            tokens.append(Token(.eof, tokens.last?.loc ?? SourceLocation(line: 1, column: 1)))
        }
        self.tokens = tokens
        self.source = source
        self.state = State(depth: depth)
    }

    // MARK: - Entry points

    /// The program in `file`; throws the first syntax error in the file.
    public static func parse(_ file: SourceFile) throws -> Program {
        var lexer = Lexer(file: file)
        let (tokens, lexError) = lexer.tokenizeStoppingAtError()
        let parser = Parser(tokens: tokens, source: file)
        let statements: [Stmt]
        do {
            statements = try parser.file()
        } catch {
            throw firstInSource(error, lexError, tokens: tokens)
        }
        if let lexError { throw lexError }
        return Program(statements: statements, file: file)
    }

    /// One expression (or a bare tuple `a, b`) filling the whole of `file`; newlines are spaces.
    public static func parseExpression(_ file: SourceFile) throws -> Expr {
        var lexer = Lexer(file: file, expressionMode: true)
        let (tokens, lexError) = lexer.tokenizeStoppingAtError()
        let parser = Parser(tokens: tokens, source: file)
        let expr: Expr
        do {
            expr = try parser.expressionInput()
        } catch {
            throw firstInSource(error, lexError, tokens: tokens)
        }
        if let lexError { throw lexError }
        return expr
    }

    /// Whether `text` is the start of a statement that more lines could complete: an
    /// open bracket, an unterminated triple-quoted string, a trailing `\`, or a block
    /// header with no body yet. (A REPL also waits for a blank line after a block.)
    public static func isIncomplete(_ text: String) -> Bool {
        let file = SourceFile(name: "<stdin>", text: text)
        var lexer = Lexer(file: file)
        let (tokens, lexError) = lexer.tokenizeStoppingAtError()
        let parser = Parser(tokens: tokens, source: file)
        do {
            _ = try parser.file()
            return lexError != nil && lexer.endedInsideConstruct
        } catch {
            if let lexError, let error = error as? ADLError, !isBefore(error, lexError) {
                return lexer.endedInsideConstruct
            }
            return parser.state.blockExpectedAtEnd
        }
    }

    /// Of a parse error and the lexical error that cut the token stream short,
    /// the one a reader meets first (the parse error if it lies before the cut).
    /// A parse error at the very end of a stream that the lexer cut short is only a
    /// symptom of the cut (`if x:` then a tab-indented body): report the lexical error.
    private static func firstInSource(_ thrown: any Error, _ lexError: ADLError?, tokens: [Token]) -> any Error {
        guard let parseError = thrown as? ADLError, let lexError else { return thrown }
        if let last = tokens.last(where: { $0.kind != .eof }), let at = parseError.location,
           (at.line, at.column) >= (last.loc.line, last.loc.column) {
            return lexError
        }
        return isBefore(parseError, lexError) ? parseError : lexError
    }

    /// Whether `a` is located before `b` in the file.
    private static func isBefore(_ a: ADLError, _ b: ADLError) -> Bool {
        guard let x = a.location, let y = b.location else { return false }
        return (x.line, x.column) < (y.line, y.column)
    }

    // MARK: - Tokens

    /// The token at the cursor (the final `.eof` once past the end).
    private var current: Token {
        state.index < tokens.count ? tokens[state.index] : (tokens.last ?? Token(.eof, .unknown))
    }

    /// The token `offset` places from the cursor (the final `.eof` outside the stream).
    private func peek(_ offset: Int) -> Token {
        let at = state.index + offset
        return at >= 0 && at < tokens.count ? tokens[at] : (tokens.last ?? Token(.eof, .unknown))
    }

    /// Moves past the current token (never past `.eof`) and returns it.
    @discardableResult
    private func advance() -> Token {
        let token = current
        if state.index < tokens.count - 1 {
            state.index += 1
        }
        return token
    }

    /// Whether the current token is `kind`.
    private func at(_ kind: Token.Kind) -> Bool {
        current.kind == kind
    }

    /// Moves past the current token if it is `kind`, and says whether it did.
    private func accept(_ kind: Token.Kind) -> Bool {
        guard at(kind) else { return false }
        advance()
        return true
    }

    /// A syntax error at `loc` in this file.
    private func error(_ message: String, at loc: SourceLocation) -> ADLError {
        ADLError(.syntax, message, at: loc, in: source)
    }

    /// Throws a syntax error. Out of line, so that building the error costs no stack
    /// in the frames of the recursive rules.
    @inline(never)
    private func fail(_ message: String, at loc: SourceLocation) throws -> Never {
        throw error(message, at: loc)
    }

    /// Throws `unexpected()`, out of line like `fail`.
    @inline(never)
    private func failUnexpected() throws -> Never {
        throw unexpected()
    }

    /// "invalid syntax" at the current token, with a hint where one helps.
    private func unexpected() -> ADLError {
        switch current.kind {
        case .indent:
            return error("unexpected indent", at: current.loc)
        case .op(.colonEqual):
            return error("the ':=' operator is not supported in ADL", at: current.loc)
        case .op(.leftShiftEqual), .op(.rightShiftEqual), .op(.leftShift), .op(.rightShift):
            return error("the '\(current.kind.spelling)' operator is not supported in ADL", at: current.loc)
        case .keyword(.in):
            return error("the 'in' operator is not supported in ADL", at: current.loc)
        default:
            return error("invalid syntax", at: current.loc)
        }
    }

    /// Expects the bracket closing a display or call; "perhaps you forgot a comma?" when
    /// what stands there could start another element.
    private func expectClosing(_ op: Token.Operator) throws {
        if accept(.op(op)) { return }
        if Self.canStartExpression(current.kind) {
            try fail("invalid syntax; perhaps you forgot a comma?", at: current.loc)
        }
        try failUnexpected()
    }

    /// Expects the `:` ending a block header.
    private func expectColon() throws {
        if accept(.op(.colon)) { return }
        if at(.op(.equal)) {
            try fail("invalid syntax; maybe you meant '==' instead of '='?", at: current.loc)
        }
        if at(.op(.colonEqual)) {
            try failUnexpected()
        }
        try fail("expected ':'", at: current.loc)
    }

    /// Whether a token can begin an expression (including the ones that begin an
    /// unsupported form, so that the error names it).
    private static func canStartExpression(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .name, .int, .float, .string, .fstring:
            return true
        case .keyword(let keyword):
            return keyword == .lambda || keyword == .not || keyword == .True || keyword == .False || keyword == .None
        case .op(let op):
            switch op {
            case .leftParen, .leftBracket, .leftBrace, .minus, .plus, .tilde, .star, .ellipsis:
                return true
            default:
                return false
            }
        case .newline, .indent, .dedent, .eof, .command:
            return false
        }
    }

    // MARK: - Limits

    /// Counts one more open nested expression; beyond `maxNesting`, an error.
    private func enterNesting(_ message: String) throws {
        guard state.depth < Self.maxNesting else {
            try fail(message, at: current.loc)
        }
        state.depth += 1
    }

    /// A node over children whose tallest is `childHeight` tall.
    private func node(_ kind: ExprKind, _ loc: SourceLocation, over childHeight: Int) throws -> Expr {
        state.height = childHeight + 1
        guard state.height <= Self.maxTreeHeight else {
            try fail("expression too long or too deeply nested", at: loc)
        }
        return Expr(kind, loc)
    }

    /// A node with no children.
    private func leaf(_ kind: ExprKind, _ loc: SourceLocation) -> Expr {
        state.height = 1
        return Expr(kind, loc)
    }

    // MARK: - Statements

    /// file: statements EOF
    func file() throws -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            switch current.kind {
            case .eof:
                return statements
            case .newline, .dedent:
                advance()  // not produced by the lexer at top level; tolerated
            default:
                statements += try statement()
            }
        }
    }

    /// expression_input: star_expressions EOF   (for `parseExpression`)
    func expressionInput() throws -> Expr {
        let expr = try starExpressions()
        guard at(.eof) else { try failUnexpected() }
        return expr
    }

    /// statement: compound_stmt | simple_stmts
    private func statement() throws -> [Stmt] {
        switch current.kind {
        case .keyword(.def):
            return [try functionDef()]
        case .keyword(.if):
            return [try ifStatement()]
        case .keyword(.while):
            return [try whileStatement()]
        case .keyword(.for):
            return [try forStatement()]
        case .op(.at):
            try fail("decorators are not supported in ADL", at: current.loc)
        case .command(let name, let argument):
            let loc = current.loc
            advance()
            if at(.newline) { advance() }
            return [Stmt(.command(name: name, argument: argument), loc)]
        default:
            return try simpleStatements()
        }
    }

    /// simple_stmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE
    private func simpleStatements() throws -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            statements += try simpleStatement()
            guard accept(.op(.semicolon)) else { break }
            if at(.newline) || at(.eof) { break }
        }
        switch current.kind {
        case .newline:
            advance()
        case .eof:
            break  // only when a lexical error cut the input short
        default:
            if let last = statements.last, case .expr(let expr) = last.kind, case .name("print") = expr.kind,
               Self.canStartExpression(current.kind) {
                try fail("missing parentheses in call to 'print'; did you mean print(...)?", at: expr.loc)
            }
            try failUnexpected()
        }
        return statements
    }

    /// simple_stmt: assignment | star_expressions | return_stmt | import_stmt | del_stmt
    ///            | 'pass' | 'break' | 'continue'
    private func simpleStatement() throws -> [Stmt] {
        let token = current
        switch token.kind {
        case .keyword(.pass):
            advance()
            return [Stmt(.pass, token.loc)]
        case .keyword(.break):
            advance()
            return [Stmt(.breakStmt, token.loc)]
        case .keyword(.continue):
            advance()
            return [Stmt(.continueStmt, token.loc)]
        case .keyword(.return):
            return [try returnStatement()]
        case .keyword(.del):
            return [try delStatement()]
        case .keyword(.import):
            return try importName()
        case .keyword(.from):
            return [try importFrom()]
        default:
            return [try assignment()]
        }
    }

    /// assignment: (star_targets '=')+ star_expressions
    ///           | single_target augassign star_expressions
    ///           | star_expressions
    private func assignment() throws -> Stmt {
        let loc = current.loc
        let first = try starExpressions()
        if case .op(let op) = current.kind, let binary = Self.augmentedOperator(op) {
            if let what = Self.unassignable(first) ?? Self.augmentedUnassignable(first) {
                try fail("'\(what)' is an illegal expression for augmented assignment", at: Self.start(of: first))
            }
            advance()
            let value = try starExpressions()
            return Stmt(.augAssign(target: first, op: binary, value: value), loc)
        }
        if at(.op(.equal)) {
            var targets: [Expr] = []
            var value = first
            while accept(.op(.equal)) {
                try checkTarget(value, verb: "assign to")
                targets.append(value)
                value = try starExpressions()
            }
            return Stmt(.assign(targets: targets, value: value), loc)
        }
        if at(.op(.colon)) {
            switch first.kind {
            case .name, .attribute, .subscriptAccess:
                try fail("type annotations are not supported in ADL", at: current.loc)
            default:
                break
            }
        }
        return Stmt(.expr(first), loc)
    }

    /// The operator of an augmented assignment token (`+=` gives `+`), nil for others.
    private static func augmentedOperator(_ op: Token.Operator) -> BinaryOp? {
        switch op {
        case .plusEqual: return .add
        case .minusEqual: return .sub
        case .starEqual: return .mul
        case .slashEqual: return .div
        case .doubleSlashEqual: return .floorDiv
        case .percentEqual: return .mod
        case .doubleStarEqual: return .pow
        case .atEqual: return .matmul
        case .amperEqual: return .bitAnd
        case .pipeEqual: return .bitOr
        case .caretEqual: return .bitXor
        default: return nil
        }
    }

    /// return_stmt: 'return' [star_expressions]
    private func returnStatement() throws -> Stmt {
        let keyword = advance()
        guard Self.canStartExpression(current.kind) else {
            return Stmt(.returnStmt(nil), keyword.loc)
        }
        return Stmt(.returnStmt(try starExpressions()), keyword.loc)
    }

    /// del_stmt: 'del' del_target (',' del_target)* [',']
    private func delStatement() throws -> Stmt {
        let keyword = advance()
        var targets: [Expr] = []
        repeat {
            guard Self.canStartExpression(current.kind) else {
                if targets.isEmpty { try failUnexpected() }
                break
            }
            let target = try expression()
            try checkTarget(target, verb: "delete")
            targets.append(target)
        } while accept(.op(.comma))
        return Stmt(.del(targets), keyword.loc)
    }

    /// import_name: 'import' dotted_name ['as' NAME] (',' dotted_name ['as' NAME])*
    private func importName() throws -> [Stmt] {
        let keyword = advance()
        var statements: [Stmt] = []
        repeat {
            let module = try dottedName()
            var alias: String?
            if accept(.keyword(.as)) {
                alias = try name(expected: "expected a name after 'as'")
            }
            statements.append(Stmt(.importModule(module: module, alias: alias), keyword.loc))
        } while accept(.op(.comma))
        return statements
    }

    /// import_from: 'from' dotted_name 'import' ('*' | import_names | '(' import_names [','] ')')
    private func importFrom() throws -> Stmt {
        let keyword = advance()
        if at(.op(.dot)) || at(.op(.ellipsis)) {
            try fail("relative imports are not supported in ADL", at: current.loc)
        }
        let module = try dottedName()
        guard accept(.keyword(.import)) else {
            try fail("expected 'import'", at: current.loc)
        }
        if accept(.op(.star)) {
            return Stmt(.importFrom(module: module, names: [(name: "*", alias: nil)]), keyword.loc)
        }
        let parenthesized = accept(.op(.leftParen))
        var names: [(name: String, alias: String?)] = []
        while true {
            let imported = try name(expected: "expected a name to import")
            var alias: String?
            if accept(.keyword(.as)) {
                alias = try name(expected: "expected a name after 'as'")
            }
            names.append((name: imported, alias: alias))
            guard accept(.op(.comma)) else { break }
            if parenthesized && at(.op(.rightParen)) { break }
            if !parenthesized && (at(.newline) || at(.op(.semicolon)) || at(.eof)) {
                try fail("trailing comma not allowed without surrounding parentheses", at: current.loc)
            }
        }
        if parenthesized {
            try expectClosing(.rightParen)
        }
        return Stmt(.importFrom(module: module, names: names), keyword.loc)
    }

    /// dotted_name: NAME ('.' NAME)*
    private func dottedName() throws -> String {
        var module = try name(expected: "expected a module name")
        while accept(.op(.dot)) {
            module += "." + (try name(expected: "expected a module name"))
        }
        return module
    }

    /// The NAME at the cursor, or an error saying `message`.
    private func name(expected message: String) throws -> String {
        guard case .name(let name) = current.kind else {
            try fail(message, at: current.loc)
        }
        advance()
        return name
    }

    /// function_def: 'def' NAME '(' [parameters] ')' ':' block
    private func functionDef() throws -> Stmt {
        let keyword = advance()
        let functionName = try name(expected: "expected a function name after 'def'")
        guard accept(.op(.leftParen)) else {
            try fail("expected '('", at: current.loc)
        }
        let params = try parameters(closing: .rightParen)
        try expectClosing(.rightParen)
        if at(.op(.arrow)) {
            try fail("return annotations are not supported in ADL", at: current.loc)
        }
        try expectColon()
        let body = try block(after: "function definition on line \(keyword.loc.line)")
        return Stmt(.def(name: functionName, params: params, body: body), keyword.loc)
    }

    /// parameters: param (',' param)* [',']
    /// param: NAME ['=' expression]   (no `*args`, `**kwargs`, `/`, `*` or annotations)
    private func parameters(closing: Token.Operator) throws -> [Param] {
        var params: [Param] = []
        var tallest = 0
        // The names so far (a set, so that a long parameter list parses in linear time).
        var names: Set<String> = []
        while !at(.op(closing)) {
            let token = current
            switch token.kind {
            case .op(.star), .op(.doubleStar):
                try fail("variadic parameters ('*args', '**kwargs') are not supported in ADL", at: token.loc)
            case .op(.slash):
                try fail("positional-only parameters ('/') are not supported in ADL", at: token.loc)
            case .name(let name):
                advance()
                if !names.insert(name).inserted {
                    try fail("duplicate argument '\(name)' in function definition", at: token.loc)
                }
                if closing == .rightParen && at(.op(.colon)) {
                    try fail("type annotations are not supported in ADL", at: current.loc)
                }
                var defaultValue: Expr?
                if accept(.op(.equal)) {
                    defaultValue = try expression()
                    tallest = max(tallest, state.height)
                } else if params.last?.defaultValue != nil {
                    try fail("non-default argument follows default argument", at: token.loc)
                }
                params.append(Param(name: name, defaultValue: defaultValue, loc: token.loc))
            default:
                try failUnexpected()
            }
            guard accept(.op(.comma)) else { break }
        }
        state.height = tallest
        return params
    }

    /// if_stmt: 'if' expression ':' block ('elif' expression ':' block)* ['else' ':' block]
    private func ifStatement() throws -> Stmt {
        let keyword = advance()
        var branches: [(cond: Expr, body: [Stmt])] = []
        let cond = try expression()
        try expectColon()
        branches.append((cond: cond, body: try block(after: "'if' statement on line \(keyword.loc.line)")))
        while at(.keyword(.elif)) {
            let elif = advance()
            let cond = try expression()
            try expectColon()
            branches.append((cond: cond, body: try block(after: "'elif' statement on line \(elif.loc.line)")))
        }
        var orElse: [Stmt]?
        if at(.keyword(.else)) {
            let elseToken = advance()
            try expectColon()
            orElse = try block(after: "'else' statement on line \(elseToken.loc.line)")
        }
        return Stmt(.ifStmt(branches: branches, orElse: orElse), keyword.loc)
    }

    /// while_stmt: 'while' expression ':' block
    private func whileStatement() throws -> Stmt {
        let keyword = advance()
        let cond = try expression()
        try expectColon()
        let body = try block(after: "'while' statement on line \(keyword.loc.line)")
        try rejectLoopElse()
        return Stmt(.whileStmt(cond: cond, body: body), keyword.loc)
    }

    /// for_stmt: 'for' star_targets 'in' star_expressions ':' block
    private func forStatement() throws -> Stmt {
        let keyword = advance()
        let target = try starTargets()
        guard accept(.keyword(.in)) else {
            try fail("expected 'in'", at: current.loc)
        }
        let iterable = try starExpressions()
        try expectColon()
        let body = try block(after: "'for' statement on line \(keyword.loc.line)")
        try rejectLoopElse()
        return Stmt(.forStmt(target: target, iterable: iterable, body: body), keyword.loc)
    }

    /// Python's `while ... else` and `for ... else` are not in ADL.
    private func rejectLoopElse() throws {
        if at(.keyword(.else)) {
            try fail("'else' clauses on loops are not supported in ADL", at: current.loc)
        }
    }

    /// star_targets: target (',' target)* [',']   (each target a bitwise_or, then checked)
    private func starTargets() throws -> Expr {
        let loc = current.loc
        var targets = [try bitwiseOr()]
        var tallest = state.height
        var sawComma = false
        while accept(.op(.comma)) {
            sawComma = true
            if at(.keyword(.in)) { break }
            targets.append(try bitwiseOr())
            tallest = max(tallest, state.height)
        }
        var target = targets[0]
        if targets.count > 1 || sawComma {
            target = try node(.tuple(targets), loc, over: tallest)
        }
        try checkTarget(target, verb: "assign to")
        return target
    }

    /// block: NEWLINE INDENT statement+ DEDENT | simple_stmts
    private func block(after header: String) throws -> [Stmt] {
        guard state.blockDepth < Self.maxBlockNesting else {
            try fail("too many nested blocks", at: current.loc)
        }
        state.blockDepth += 1
        defer { state.blockDepth -= 1 }
        guard at(.newline) else {
            return try simpleStatements()
        }
        let newline = advance()
        guard accept(.indent) else {
            if at(.eof) {
                state.blockExpectedAtEnd = true
                try fail("expected an indented block after \(header)", at: newline.loc)
            }
            try fail("expected an indented block after \(header)", at: current.loc)
        }
        var body: [Stmt] = []
        while true {
            switch current.kind {
            case .dedent:
                advance()
                return body
            case .eof:
                return body  // only when a lexical error cut the input short
            default:
                body += try statement()
            }
        }
    }

    // MARK: - Assignment targets

    /// Throws "cannot assign to literal" and the like unless `target` can be assigned
    /// (or deleted): a name, subscript, attribute, or a tuple/list of targets.
    private func checkTarget(_ target: Expr, verb: String) throws {
        switch target.kind {
        case .tuple(let elements), .list(let elements):
            for element in elements {
                try checkTarget(element, verb: verb)
            }
        default:
            if let what = Self.unassignable(target) {
                try fail("cannot \(verb) \(what)", at: Self.start(of: target))
            }
        }
    }

    /// What an expression is called when it cannot be a target, nil when it can be one
    /// (tuples and lists are checked element by element by the caller).
    private static func unassignable(_ expr: Expr) -> String? {
        switch expr.kind {
        case .name, .subscriptAccess, .attribute, .tuple, .list: return nil
        case .int, .float, .string: return "literal"
        case .fstring: return "f-string expression"
        case .bool(let value): return value ? "True" : "False"
        case .none: return "None"
        case .record: return "dict literal"
        case .call: return "function call"
        case .unary, .binary, .and, .or, .not: return "expression"
        case .compare: return "comparison"
        case .ifExpr: return "conditional expression"
        case .lambda: return "lambda"
        }
    }

    /// What a tuple or list is called as an augmented-assignment target (never allowed).
    private static func augmentedUnassignable(_ expr: Expr) -> String? {
        switch expr.kind {
        case .tuple: return "tuple"
        case .list: return "list"
        default: return nil
        }
    }

    /// Where the source text of `expr` starts (its leftmost token).
    static func start(of expr: Expr) -> SourceLocation {
        var expr = expr
        while true {
            switch expr.kind {
            case .binary(_, let lhs, _), .and(let lhs, _), .or(let lhs, _):
                expr = lhs
            case .compare(let first, _):
                expr = first
            case .ifExpr(_, let then, _):
                expr = then
            case .subscriptAccess(let base, _), .attribute(let base, _):
                expr = base
            default:
                return expr.loc
            }
        }
    }

    // MARK: - Expressions

    /// star_expressions: expression (',' expression)* [',']   (a tuple when there is a comma)
    private func starExpressions() throws -> Expr {
        let loc = current.loc
        let first = try expression()
        guard at(.op(.comma)) else { return first }
        var elements = [first]
        var tallest = state.height
        while accept(.op(.comma)) {
            guard Self.canStartExpression(current.kind) else { break }
            elements.append(try expression())
            tallest = max(tallest, state.height)
        }
        return try node(.tuple(elements), loc, over: tallest)
    }

    /// expression: disjunction ['if' disjunction 'else' expression] | lambdef
    private func expression() throws -> Expr {
        try enterNesting("too many nested parentheses")
        defer { state.depth -= 1 }
        if at(.keyword(.lambda)) {
            return try lambdef()
        }
        let then = try disjunction()
        guard at(.keyword(.if)) else {
            if at(.op(.colonEqual)) { try failUnexpected() }
            return then
        }
        var tallest = state.height
        let keyword = advance()
        let cond = try disjunction()
        tallest = max(tallest, state.height)
        guard accept(.keyword(.else)) else {
            try fail("expected 'else' after 'if' expression", at: current.loc)
        }
        let orElse = try expression()
        return try node(.ifExpr(cond: cond, then: then, orElse: orElse), keyword.loc, over: max(tallest, state.height))
    }

    /// lambdef: 'lambda' [parameters] ':' expression
    private func lambdef() throws -> Expr {
        let keyword = advance()
        let params = try parameters(closing: .colon)
        let tallest = state.height
        try expectColon()
        let body = try expression()
        return try node(.lambda(params: params, body: body), keyword.loc, over: max(tallest, state.height))
    }

    /// disjunction: conjunction ('or' conjunction)*
    private func disjunction() throws -> Expr {
        var lhs = try conjunction()
        while at(.keyword(.or)) {
            let lhsHeight = state.height
            let op = advance()
            let rhs = try conjunction()
            lhs = try node(.or(lhs, rhs), op.loc, over: max(lhsHeight, state.height))
        }
        return lhs
    }

    /// conjunction: inversion ('and' inversion)*
    private func conjunction() throws -> Expr {
        var lhs = try inversion()
        while at(.keyword(.and)) {
            let lhsHeight = state.height
            let op = advance()
            let rhs = try inversion()
            lhs = try node(.and(lhs, rhs), op.loc, over: max(lhsHeight, state.height))
        }
        return lhs
    }

    /// inversion: 'not' inversion | comparison
    private func inversion() throws -> Expr {
        guard at(.keyword(.not)) else {
            return try comparison()
        }
        let op = advance()
        try enterNesting("expression too deeply nested")
        defer { state.depth -= 1 }
        let operand = try inversion()
        return try node(.not(operand), op.loc, over: state.height)
    }

    /// comparison: bitwise_or (compare_op bitwise_or)*
    /// compare_op: '<' | '<=' | '>' | '>=' | '==' | '!=' | 'is' | 'is' 'not'   ('in', 'not in': errors)
    private func comparison() throws -> Expr {
        let first = try bitwiseOr()
        var tallest = state.height
        var pairs: [(op: CompareOp, rhs: Expr)] = []
        var loc = current.loc
        while true {
            let token = current
            let op: CompareOp
            switch token.kind {
            case .op(.less): op = .lt
            case .op(.lessEqual): op = .le
            case .op(.greater): op = .gt
            case .op(.greaterEqual): op = .ge
            case .op(.equalEqual): op = .eq
            case .op(.notEqual): op = .ne
            case .keyword(.is):
                op = peek(1).kind == .keyword(.not) ? .isNot : .is
                if op == .isNot { advance() }
            case .keyword(.in):
                try fail("the 'in' operator is not supported in ADL", at: token.loc)
            case .keyword(.not) where peek(1).kind == .keyword(.in):
                try fail("the 'not in' operator is not supported in ADL", at: token.loc)
            default:
                guard !pairs.isEmpty else { return first }
                return try node(.compare(first, pairs), loc, over: tallest)
            }
            advance()
            if pairs.isEmpty { loc = token.loc }
            let rhs = try bitwiseOr()
            tallest = max(tallest, state.height)
            pairs.append((op: op, rhs: rhs))
        }
    }

    /// bitwise_or: bitwise_xor ('|' bitwise_xor)*
    private func bitwiseOr() throws -> Expr {
        var lhs = try bitwiseXor()
        while at(.op(.pipe)) {
            lhs = try binaryTail(lhs, .bitOr) { try $0.bitwiseXor() }
        }
        return lhs
    }

    /// bitwise_xor: bitwise_and ('^' bitwise_and)*
    private func bitwiseXor() throws -> Expr {
        var lhs = try bitwiseAnd()
        while at(.op(.caret)) {
            lhs = try binaryTail(lhs, .bitXor) { try $0.bitwiseAnd() }
        }
        return lhs
    }

    /// bitwise_and: shift_expr ('&' shift_expr)*
    private func bitwiseAnd() throws -> Expr {
        var lhs = try shiftExpr()
        while at(.op(.amper)) {
            lhs = try binaryTail(lhs, .bitAnd) { try $0.shiftExpr() }
        }
        return lhs
    }

    /// shift_expr: sum   (`<<` and `>>` are not in ADL: an error naming them)
    private func shiftExpr() throws -> Expr {
        let lhs = try sum()
        if at(.op(.leftShift)) || at(.op(.rightShift)) {
            try failUnexpected()
        }
        return lhs
    }

    /// sum: term (('+' | '-') term)*
    private func sum() throws -> Expr {
        var lhs = try term()
        while true {
            let op: BinaryOp
            switch current.kind {
            case .op(.plus): op = .add
            case .op(.minus): op = .sub
            default: return lhs
            }
            lhs = try binaryTail(lhs, op) { try $0.term() }
        }
    }

    /// term: factor (('*' | '/' | '//' | '%' | '@') factor)*
    private func term() throws -> Expr {
        var lhs = try factor()
        while true {
            let op: BinaryOp
            switch current.kind {
            case .op(.star): op = .mul
            case .op(.slash): op = .div
            case .op(.doubleSlash): op = .floorDiv
            case .op(.percent): op = .mod
            case .op(.at): op = .matmul
            default: return lhs
            }
            lhs = try binaryTail(lhs, op) { try $0.factor() }
        }
    }

    /// One step of a left-associative chain: consumes the operator at `current`,
    /// parses the right operand with `operand` and builds `lhs op rhs` at the operator.
    private func binaryTail(
        _ lhs: Expr, _ op: BinaryOp, operand: (Parser) throws -> Expr
    ) throws -> Expr {
        let lhsHeight = state.height
        let token = advance()
        let rhs = try operand(self)
        return try node(.binary(op, lhs, rhs), token.loc, over: max(lhsHeight, state.height))
    }

    /// factor: ('+' | '-' | '~') factor | power
    private func factor() throws -> Expr {
        let op: UnaryOp
        switch current.kind {
        case .op(.minus): op = .neg
        case .op(.plus): op = .pos
        case .op(.tilde): op = .invert
        default: return try power()
        }
        let token = advance()
        try enterNesting("expression too deeply nested")
        defer { state.depth -= 1 }
        let operand = try factor()
        return try node(.unary(op, operand), token.loc, over: state.height)
    }

    /// power: primary ['**' factor]
    private func power() throws -> Expr {
        let base = try primary()
        guard at(.op(.doubleStar)) else { return base }
        let baseHeight = state.height
        let token = advance()
        try enterNesting("expression too deeply nested")
        defer { state.depth -= 1 }
        let exponent = try factor()
        return try node(.binary(.pow, base, exponent), token.loc, over: max(baseHeight, state.height))
    }

    /// primary: atom ('.' NAME | '(' [arguments] ')' | '[' slices ']')*
    private func primary() throws -> Expr {
        let start = current.loc
        var expr = try atom()
        while true {
            let baseHeight = state.height
            switch current.kind {
            case .op(.dot):
                let dot = advance()
                let attribute = try name(expected: "expected an attribute name after '.'")
                expr = try node(.attribute(base: expr, name: attribute), dot.loc, over: baseHeight)
            case .op(.leftParen):
                advance()
                let args = try arguments()
                try expectClosing(.rightParen)
                expr = try node(.call(callee: expr, args: args), start, over: max(baseHeight, state.height))
            case .op(.leftBracket):
                let bracket = advance()
                let subscripts = try slices()
                try expectClosing(.rightBracket)
                expr = try node(.subscriptAccess(base: expr, subscripts: subscripts), bracket.loc,
                                over: max(baseHeight, state.height))
            default:
                return expr
            }
        }
    }

    /// arguments: argument (',' argument)* [',']
    /// argument: NAME '=' expression | expression   (no positional after keyword)
    private func arguments() throws -> [Argument] {
        var args: [Argument] = []
        var tallest = 0
        // The keyword names so far (a set, so that a call with many arguments parses in linear time).
        var keywordNames: Set<String> = []
        while !at(.op(.rightParen)) {
            let token = current
            switch token.kind {
            case .op(.star), .op(.doubleStar):
                try fail("argument unpacking ('*', '**') is not supported in ADL", at: token.loc)
            case .name(let name) where peek(1).kind == .op(.equal):
                advance()
                advance()
                if !keywordNames.insert(name).inserted {
                    try fail("keyword argument repeated: \(name)", at: token.loc)
                }
                let value = try expression()
                args.append(Argument(name: name, value: value, loc: token.loc))
            default:
                let value = try expression()
                if at(.op(.equal)) {
                    try fail("expression cannot contain assignment, perhaps you meant \"==\"?", at: current.loc)
                }
                if at(.keyword(.for)) {
                    try fail("generator expressions are not supported in ADL", at: current.loc)
                }
                if !keywordNames.isEmpty {
                    try fail("positional argument follows keyword argument", at: token.loc)
                }
                args.append(Argument(name: nil, value: value, loc: token.loc))
            }
            tallest = max(tallest, state.height)
            guard accept(.op(.comma)) else { break }
        }
        state.height = tallest
        return args
    }

    /// slices: slice (',' slice)* [',']
    /// slice: [expression] ':' [expression] [':' [expression]] | expression
    private func slices() throws -> [Subscript] {
        var subscripts: [Subscript] = []
        var tallest = 0
        repeat {
            if at(.op(.rightBracket)) && !subscripts.isEmpty { break }
            var lower: Expr?
            if !at(.op(.colon)) {
                let index = try expression()
                tallest = max(tallest, state.height)
                guard at(.op(.colon)) else {
                    subscripts.append(.index(index))
                    continue
                }
                lower = index
            }
            advance()  // ':'
            var upper: Expr?
            var step: Expr?
            if !at(.op(.colon)) && !at(.op(.comma)) && !at(.op(.rightBracket)) {
                upper = try expression()
                tallest = max(tallest, state.height)
            }
            if accept(.op(.colon)) && !at(.op(.comma)) && !at(.op(.rightBracket)) {
                step = try expression()
                tallest = max(tallest, state.height)
            }
            subscripts.append(.slice(lower: lower, upper: upper, step: step))
        } while accept(.op(.comma))
        state.height = tallest
        return subscripts
    }

    /// atom: NAME | 'True' | 'False' | 'None' | NUMBER | strings | group | tuple | list | dict
    private func atom() throws -> Expr {
        let token = current
        switch token.kind {
        case .name(let name):
            advance()
            return leaf(.name(name), token.loc)
        case .int(let value):
            advance()
            return leaf(.int(value), token.loc)
        case .float(let value):
            advance()
            return leaf(.float(value), token.loc)
        case .string, .fstring:
            return try strings()
        case .keyword(.True):
            advance()
            return leaf(.bool(true), token.loc)
        case .keyword(.False):
            advance()
            return leaf(.bool(false), token.loc)
        case .keyword(.None):
            advance()
            return leaf(.none, token.loc)
        case .op(.leftParen):
            return try group()
        case .op(.leftBracket):
            return try list()
        case .op(.leftBrace):
            return try dict()
        case .op(.ellipsis):
            try fail("'...' (Ellipsis) is not supported in ADL", at: token.loc)
        case .op(.star) where startsAnElement, .op(.doubleStar) where startsAnElement:
            try fail("'\(token.kind.spelling)' unpacking is not supported in ADL", at: token.loc)
        default:
            try failUnexpected()
        }
    }

    /// Whether the current token stands where an element of a list, call or tuple
    /// starts (so a `*` there is an attempt at unpacking, not a misplaced operator).
    private var startsAnElement: Bool {
        guard state.index > 0 else { return true }
        switch peek(-1).kind {
        case .op(.leftParen), .op(.leftBracket), .op(.leftBrace), .op(.comma), .op(.equal), .op(.semicolon),
             .newline, .indent, .dedent, .keyword(.return), .keyword(.in):
            return true
        default:
            return false
        }
    }

    /// group: '(' expression ')' ; tuple: '(' [expression ',' [star_expressions]] ')'
    private func group() throws -> Expr {
        let open = advance()
        if accept(.op(.rightParen)) {
            return leaf(.tuple([]), open.loc)
        }
        let first = try expression()
        if at(.keyword(.for)) {
            try fail("generator expressions are not supported in ADL", at: current.loc)
        }
        if accept(.op(.rightParen)) {
            return first
        }
        guard at(.op(.comma)) else {
            try expectClosing(.rightParen)
            return first
        }
        var elements = [first]
        var tallest = state.height
        while accept(.op(.comma)) {
            if at(.op(.rightParen)) { break }
            elements.append(try expression())
            tallest = max(tallest, state.height)
        }
        try expectClosing(.rightParen)
        return try node(.tuple(elements), open.loc, over: tallest)
    }

    /// list: '[' [expression (',' expression)* [',']] ']'
    private func list() throws -> Expr {
        let open = advance()
        var elements: [Expr] = []
        var tallest = 0
        while !at(.op(.rightBracket)) {
            elements.append(try expression())
            tallest = max(tallest, state.height)
            if elements.count == 1 && at(.keyword(.for)) {
                try fail("list comprehensions are not supported in ADL", at: current.loc)
            }
            guard accept(.op(.comma)) else { break }
        }
        try expectClosing(.rightBracket)
        return try node(.list(elements), open.loc, over: tallest)
    }

    /// dict: '{' [expression ':' expression (',' expression ':' expression)* [',']] '}'
    /// (a set display `{a, b}` is an error)
    private func dict() throws -> Expr {
        let open = advance()
        var entries: [(key: Expr, value: Expr)] = []
        var tallest = 0
        while !at(.op(.rightBrace)) {
            if at(.op(.doubleStar)) {
                try fail("'**' unpacking is not supported in ADL", at: current.loc)
            }
            let key = try expression()
            tallest = max(tallest, state.height)
            guard accept(.op(.colon)) else {
                if entries.isEmpty && (at(.op(.comma)) || at(.op(.rightBrace))) {
                    try fail("set displays are not supported in ADL", at: open.loc)
                }
                if entries.isEmpty && at(.keyword(.for)) {
                    try fail("set comprehensions are not supported in ADL", at: current.loc)
                }
                try fail("expected ':'", at: current.loc)
            }
            let value = try expression()
            tallest = max(tallest, state.height)
            if entries.isEmpty && at(.keyword(.for)) {
                try fail("dict comprehensions are not supported in ADL", at: current.loc)
            }
            entries.append((key: key, value: value))
            guard accept(.op(.comma)) else { break }
        }
        try expectClosing(.rightBrace)
        return try node(.record(entries), open.loc, over: tallest)
    }

    /// strings: (STRING | FSTRING)+   (adjacent literals concatenate)
    private func strings() throws -> Expr {
        let loc = current.loc
        var parts: [FStringPart] = []
        var pending = ""
        var formatted = false
        var tallest = 0
        loop: while true {
            switch current.kind {
            case .string(let text):
                pending += text
            case .fstring(let segments):
                formatted = true
                for segment in segments {
                    switch segment {
                    case .literal(let text):
                        pending += text
                    case .expr(let tokens, let conversion, let spec, _):
                        if !pending.isEmpty {
                            parts.append(.literal(pending))
                            pending = ""
                        }
                        let expr = try replacementField(tokens)
                        tallest = max(tallest, state.height)
                        parts.append(.expr(expr, conversion: conversion, spec: spec))
                    }
                }
            default:
                break loop
            }
            advance()
        }
        guard formatted else {
            return leaf(.string(pending), loc)
        }
        if !pending.isEmpty {
            parts.append(.literal(pending))
        }
        return try node(.fstring(parts), loc, over: tallest)
    }

    /// fstring_replacement_field: star_expressions EOF   (over the field's own tokens)
    private func replacementField(_ tokens: [Token]) throws -> Expr {
        let parser = Parser(tokens: tokens, source: source, depth: state.depth)
        let expr = try parser.starExpressions()
        guard parser.at(.eof) else {
            try parser.fail("f-string: expecting '}'", at: parser.current.loc)
        }
        state.height = parser.state.height
        return expr
    }
}

extension Token.Kind {
    /// The token as written, for messages that quote it.
    var spelling: String {
        switch self {
        case .op(let op): return op.rawValue
        case .keyword(let keyword): return keyword.rawValue
        case .name(let name): return name
        default: return description
        }
    }
}

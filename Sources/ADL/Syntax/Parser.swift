// Turns tokens into the AST of AST.swift: a recursive-descent parser whose
// functions are named after the rules of Python's grammar they implement
// (each with its rule in a `///` comment), restricted to the ADL subset.
// This file: entry points, token access, errors and limits; the rules are in
// Parser+Statements.swift and Parser+Expressions.swift.
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
    final class State {
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
    let tokens: [Token]
    let source: SourceFile
    let state: State

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
    static func firstInSource(_ thrown: any Error, _ lexError: ADLError?, tokens: [Token]) -> any Error {
        guard let parseError = thrown as? ADLError, let lexError else { return thrown }
        if let last = tokens.last(where: { $0.kind != .eof }), let at = parseError.location,
           (at.line, at.column) >= (last.loc.line, last.loc.column) {
            return lexError
        }
        return isBefore(parseError, lexError) ? parseError : lexError
    }

    /// Whether `a` is located before `b` in the file.
    static func isBefore(_ a: ADLError, _ b: ADLError) -> Bool {
        guard let x = a.location, let y = b.location else { return false }
        return (x.line, x.column) < (y.line, y.column)
    }

    // MARK: - Tokens

    /// The token at the cursor (the final `.eof` once past the end).
    var current: Token {
        state.index < tokens.count ? tokens[state.index] : (tokens.last ?? Token(.eof, .unknown))
    }

    /// The token `offset` places from the cursor (the final `.eof` outside the stream).
    func peek(_ offset: Int) -> Token {
        let at = state.index + offset
        return at >= 0 && at < tokens.count ? tokens[at] : (tokens.last ?? Token(.eof, .unknown))
    }

    /// Moves past the current token (never past `.eof`) and returns it.
    @discardableResult
    func advance() -> Token {
        let token = current
        if state.index < tokens.count - 1 {
            state.index += 1
        }
        return token
    }

    /// Whether the current token is `kind`.
    func at(_ kind: Token.Kind) -> Bool {
        current.kind == kind
    }

    /// Moves past the current token if it is `kind`, and says whether it did.
    func accept(_ kind: Token.Kind) -> Bool {
        guard at(kind) else { return false }
        advance()
        return true
    }

    /// A syntax error at `loc` in this file.
    func error(_ message: String, at loc: SourceLocation) -> ADLError {
        ADLError(.syntax, message, at: loc, in: source)
    }

    /// Throws a syntax error. Out of line, so that building the error costs no stack
    /// in the frames of the recursive rules.
    @inline(never)
    func fail(_ message: String, at loc: SourceLocation) throws -> Never {
        throw error(message, at: loc)
    }

    /// Throws `unexpected()`, out of line like `fail`.
    @inline(never)
    func failUnexpected() throws -> Never {
        throw unexpected()
    }

    /// "invalid syntax" at the current token, with a hint where one helps.
    func unexpected() -> ADLError {
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
    func expectClosing(_ op: Token.Operator) throws {
        if accept(.op(op)) { return }
        if Self.canStartExpression(current.kind) {
            try fail("invalid syntax; perhaps you forgot a comma?", at: current.loc)
        }
        try failUnexpected()
    }

    /// Expects the `:` ending a block header.
    func expectColon() throws {
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
    static func canStartExpression(_ kind: Token.Kind) -> Bool {
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
    func enterNesting(_ message: String) throws {
        guard state.depth < Self.maxNesting else {
            try fail(message, at: current.loc)
        }
        state.depth += 1
    }

    /// A node over children whose tallest is `childHeight` tall.
    func node(_ kind: ExprKind, _ loc: SourceLocation, over childHeight: Int) throws -> Expr {
        state.height = childHeight + 1
        guard state.height <= Self.maxTreeHeight else {
            try fail("expression too long or too deeply nested", at: loc)
        }
        return Expr(kind, loc)
    }

    /// A node with no children.
    func leaf(_ kind: ExprKind, _ loc: SourceLocation) -> Expr {
        state.height = 1
        return Expr(kind, loc)
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

// The statement rules of the parser (Python's grammar names, restricted to ADL):
// blocks, simple statements, assignment targets. Tokens and limits: Parser.swift.

extension Parser {
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
    func statement() throws -> [Stmt] {
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
    func simpleStatements() throws -> [Stmt] {
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
    func simpleStatement() throws -> [Stmt] {
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
    func assignment() throws -> Stmt {
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
    static func augmentedOperator(_ op: Token.Operator) -> BinaryOp? {
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
    func returnStatement() throws -> Stmt {
        let keyword = advance()
        guard Self.canStartExpression(current.kind) else {
            return Stmt(.returnStmt(nil), keyword.loc)
        }
        return Stmt(.returnStmt(try starExpressions()), keyword.loc)
    }

    /// del_stmt: 'del' del_target (',' del_target)* [',']
    func delStatement() throws -> Stmt {
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
    func importName() throws -> [Stmt] {
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
    func importFrom() throws -> Stmt {
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
    func dottedName() throws -> String {
        var module = try name(expected: "expected a module name")
        while accept(.op(.dot)) {
            module += "." + (try name(expected: "expected a module name"))
        }
        return module
    }

    /// The NAME at the cursor, or an error saying `message`.
    func name(expected message: String) throws -> String {
        guard case .name(let name) = current.kind else {
            try fail(message, at: current.loc)
        }
        advance()
        return name
    }

    /// function_def: 'def' NAME '(' [parameters] ')' ':' block
    func functionDef() throws -> Stmt {
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
    func parameters(closing: Token.Operator) throws -> [Param] {
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
    func ifStatement() throws -> Stmt {
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
    func whileStatement() throws -> Stmt {
        let keyword = advance()
        let cond = try expression()
        try expectColon()
        let body = try block(after: "'while' statement on line \(keyword.loc.line)")
        try rejectLoopElse()
        return Stmt(.whileStmt(cond: cond, body: body), keyword.loc)
    }

    /// for_stmt: 'for' star_targets 'in' star_expressions ':' block
    func forStatement() throws -> Stmt {
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
    func rejectLoopElse() throws {
        if at(.keyword(.else)) {
            try fail("'else' clauses on loops are not supported in ADL", at: current.loc)
        }
    }

    /// star_targets: target (',' target)* [',']   (each target a bitwise_or, then checked)
    func starTargets() throws -> Expr {
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
    func block(after header: String) throws -> [Stmt] {
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
    func checkTarget(_ target: Expr, verb: String) throws {
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
    static func unassignable(_ expr: Expr) -> String? {
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
    static func augmentedUnassignable(_ expr: Expr) -> String? {
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
}

// The expression rules of the parser, one function per precedence level of
// Python's grammar, from `star_expressions` down to atoms and f-string fields.

extension Parser {
    // MARK: - Expressions

    /// star_expressions: expression (',' expression)* [',']   (a tuple when there is a comma)
    func starExpressions() throws -> Expr {
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
    func expression() throws -> Expr {
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
    func lambdef() throws -> Expr {
        let keyword = advance()
        let params = try parameters(closing: .colon)
        let tallest = state.height
        try expectColon()
        let body = try expression()
        return try node(.lambda(params: params, body: body), keyword.loc, over: max(tallest, state.height))
    }

    /// disjunction: conjunction ('or' conjunction)*
    func disjunction() throws -> Expr {
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
    func conjunction() throws -> Expr {
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
    func inversion() throws -> Expr {
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
    func comparison() throws -> Expr {
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
    func bitwiseOr() throws -> Expr {
        var lhs = try bitwiseXor()
        while at(.op(.pipe)) {
            lhs = try binaryTail(lhs, .bitOr) { try $0.bitwiseXor() }
        }
        return lhs
    }

    /// bitwise_xor: bitwise_and ('^' bitwise_and)*
    func bitwiseXor() throws -> Expr {
        var lhs = try bitwiseAnd()
        while at(.op(.caret)) {
            lhs = try binaryTail(lhs, .bitXor) { try $0.bitwiseAnd() }
        }
        return lhs
    }

    /// bitwise_and: shift_expr ('&' shift_expr)*
    func bitwiseAnd() throws -> Expr {
        var lhs = try shiftExpr()
        while at(.op(.amper)) {
            lhs = try binaryTail(lhs, .bitAnd) { try $0.shiftExpr() }
        }
        return lhs
    }

    /// shift_expr: sum   (`<<` and `>>` are not in ADL: an error naming them)
    func shiftExpr() throws -> Expr {
        let lhs = try sum()
        if at(.op(.leftShift)) || at(.op(.rightShift)) {
            try failUnexpected()
        }
        return lhs
    }

    /// sum: term (('+' | '-') term)*
    func sum() throws -> Expr {
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
    func term() throws -> Expr {
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
    func binaryTail(
        _ lhs: Expr, _ op: BinaryOp, operand: (Parser) throws -> Expr
    ) throws -> Expr {
        let lhsHeight = state.height
        let token = advance()
        let rhs = try operand(self)
        return try node(.binary(op, lhs, rhs), token.loc, over: max(lhsHeight, state.height))
    }

    /// factor: ('+' | '-' | '~') factor | power
    func factor() throws -> Expr {
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
    func power() throws -> Expr {
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
    func primary() throws -> Expr {
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
    func arguments() throws -> [Argument] {
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
    func slices() throws -> [Subscript] {
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
    func atom() throws -> Expr {
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
    var startsAnElement: Bool {
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
    func group() throws -> Expr {
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
    func list() throws -> Expr {
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
    func dict() throws -> Expr {
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
    func strings() throws -> Expr {
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
    func replacementField(_ tokens: [Token]) throws -> Expr {
        let parser = Parser(tokens: tokens, source: source, depth: state.depth)
        let expr = try parser.starExpressions()
        guard parser.at(.eof) else {
            try parser.fail("f-string: expecting '}'", at: parser.current.loc)
        }
        state.height = parser.state.height
        return expr
    }
}

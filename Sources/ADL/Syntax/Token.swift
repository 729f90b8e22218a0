// The tokens `Lexer` produces and `Parser` consumes.
//
// Invariants: every token carries the location of its first character
// (1-based line and column, columns counting Unicode scalars); a token stream
// always ends with exactly one `.eof`; `.indent`/`.dedent` come in balanced
// pairs; `.newline` ends every logical line that holds a token.

/// One lexical token and where it starts.
public struct Token: Sendable, Equatable {
    public var kind: Kind
    public var loc: SourceLocation

    public init(_ kind: Kind, _ loc: SourceLocation) {
        self.kind = kind
        self.loc = loc
    }

    /// What a token is, with its value for names and literals.
    public enum Kind: Sendable, Equatable {
        case name(String)
        case int(Int)
        case float(Double)
        /// A string literal with its escapes already processed.
        case string(String)
        /// An f-string: literal text and replacement fields, the fields still as tokens.
        case fstring([FStringSegment])
        case keyword(Keyword)
        case op(Operator)
        /// The end of a logical line.
        case newline
        /// The start of a more-indented block.
        case indent
        /// The end of an indented block.
        case dedent
        /// A command line of the REPL and stdin (`grad f at 1.0`, `:help sum`): the command's
        /// name (`grad`, `:help`) and the rest of the line, trimmed, without its comment.
        case command(name: String, argument: String)
        case eof
    }

    /// The reserved words of ADL.
    public enum Keyword: String, Sendable, CaseIterable {
        case def, `return`, lambda, `if`, elif, `else`, `for`, `in`, `while`, `break`, `continue`, pass
        case and, or, not, `is`, `True`, `False`, `None`, `import`, `as`, from, del
    }

    /// Operators and delimiters, spelled as in the source.
    public enum Operator: String, Sendable, CaseIterable {
        case plus = "+", minus = "-", star = "*", slash = "/", doubleSlash = "//", percent = "%"
        case doubleStar = "**", at = "@", amper = "&", pipe = "|", caret = "^", tilde = "~"
        case leftShift = "<<", rightShift = ">>"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case equalEqual = "==", notEqual = "!="
        case equal = "="
        case plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
        case doubleSlashEqual = "//=", percentEqual = "%=", doubleStarEqual = "**=", atEqual = "@="
        case amperEqual = "&=", pipeEqual = "|=", caretEqual = "^="
        case leftShiftEqual = "<<=", rightShiftEqual = ">>="
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case leftBrace = "{", rightBrace = "}"
        case comma = ",", colon = ":", dot = ".", semicolon = ";"
        /// `->` and `:=` and `...` are lexed only so the parser can say they are unsupported.
        case arrow = "->", colonEqual = ":=", ellipsis = "..."
    }

    /// One piece of an f-string token.
    public enum FStringSegment: Sendable, Equatable {
        case literal(String)
        /// `{expr!conversion:spec}`: `tokens` are the expression's tokens (located in
        /// the original source) ending with `.eof`; `loc` is the `{`.
        case expr(tokens: [Token], conversion: String?, spec: String?, loc: SourceLocation)
    }
}

extension Token.Kind: CustomStringConvertible {
    /// How the token reads in an error message: `'+'`, `'if'`, `name 'x'`, `newline`.
    public var description: String {
        switch self {
        case .name(let name): return "name '\(name)'"
        case .int, .float: return "number"
        case .string, .fstring: return "string"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .op(let op): return "'\(op.rawValue)'"
        case .newline: return "newline"
        case .indent: return "indent"
        case .dedent: return "dedent"
        case .command(let name, _): return "command '\(name)'"
        case .eof: return "end of file"
        }
    }
}

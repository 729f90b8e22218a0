// Turns ADL source text into tokens, following Python's tokenizer.
//
// The lexer walks an array of Unicode scalars with an index (columns count
// scalars, as `SourceLocation` says). It produces NEWLINE at the end of every
// logical line that holds a token, INDENT/DEDENT when the indentation of a
// logical line changes, and ignores blank and comment-only lines, newlines
// inside brackets and backslash-joined lines. F-strings are split here into
// literal text and replacement fields; each field's expression is lexed in
// place, so its tokens carry their real positions in the file.
//
// Invariants: the token stream ends with `.eof`, INDENT/DEDENT are balanced,
// brackets are balanced (or the lexer reports an error), and no path traps:
// every scalar read goes through `peek`, which answers nil past the end.

/// Splits a `SourceFile` into `Token`s.
public struct Lexer {
    /// Python keywords ADL leaves out; using one is an error that names it.
    static let unsupportedKeywords = [
        "class", "try", "except", "finally", "raise", "global", "nonlocal",
        "yield", "with", "async", "await", "assert",
    ]
    /// Every reserved word by spelling: an ADL keyword, or nil for an unsupported Python one.
    static let reservedWords: [String: Token.Keyword?] = {
        var words: [String: Token.Keyword?] = [:]
        for keyword in Token.Keyword.allCases {
            words[keyword.rawValue] = .some(keyword)
        }
        for word in unsupportedKeywords {
            words[word] = .some(nil)
        }
        return words
    }()
    /// How deeply f-strings may nest inside f-string replacement fields.
    static let maxFStringNesting = 20

    private let file: SourceFile
    /// The text, without "\r".
    private let scalars: [Unicode.Scalar]
    /// The index of the next scalar, and its line and column.
    private var pos = 0
    private var line = 1
    private var column = 1
    /// The tokens produced so far.
    private var tokens: [Token] = []
    /// Widths of the open indentation levels; always starts with 0.
    private var indents: [Int] = [0]
    /// Open brackets, innermost last, for implicit line joining and "was never closed".
    private var brackets: [(scalar: Unicode.Scalar, loc: SourceLocation)] = []
    /// How many f-strings the scanner is inside.
    private var fstringDepth = 0
    /// When true the text is one expression: no NEWLINE, INDENT or DEDENT tokens.
    private let expressionMode: Bool
    /// True when the input ended inside an open construct (bracket, triple-quoted
    /// string, line continuation): more lines could complete it.
    private(set) var endedInsideConstruct = false

    /// A lexer for the whole of `file`.
    public init(file: SourceFile) {
        self.init(file: file, expressionMode: false)
    }

    /// A lexer for the whole file, or (with `expressionMode`) for one expression
    /// whose newlines are plain whitespace.
    init(file: SourceFile, expressionMode: Bool) {
        self.file = file
        // `SourceFile.lines` drops every "\r"; dropping them here too keeps columns in step.
        self.scalars = file.text.unicodeScalars.filter { $0 != "\r" }
        self.expressionMode = expressionMode
    }

    /// All the tokens of the file, ending with `.eof`; throws the first lexical error.
    public mutating func tokenize() throws -> [Token] {
        let (tokens, error) = tokenizeStoppingAtError()
        if let error { throw error }
        return tokens
    }

    /// The tokens before the first lexical error (still ending with `.eof`) and that error.
    /// The parser uses this to report whichever error comes first in the file.
    mutating func tokenizeStoppingAtError() -> (tokens: [Token], error: ADLError?) {
        do {
            try scanFile()
            return (tokens, nil)
        } catch {
            tokens.append(Token(.eof, currentLoc))
            return (tokens, error)
        }
    }

    // MARK: - Reading scalars

    /// Where the next scalar is.
    private var currentLoc: SourceLocation { SourceLocation(line: line, column: column) }

    /// The scalar `offset` places ahead, or nil past the end.
    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = pos + offset
        return index < scalars.count ? scalars[index] : nil
    }

    /// Moves past one scalar, counting lines and columns.
    private mutating func advance() {
        guard pos < scalars.count else { return }
        if scalars[pos] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        pos += 1
    }

    /// The source text between two scalar indices.
    private func text(from start: Int, to end: Int) -> String {
        guard start < end, end <= scalars.count else { return "" }
        var ascii: [UInt8] = []
        ascii.reserveCapacity(end - start)
        for index in start..<end {
            let value = scalars[index].value
            guard value < 0x80 else {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<end])
                return String(view)
            }
            ascii.append(UInt8(truncatingIfNeeded: value))
        }
        return String(decoding: ascii, as: UTF8.self)
    }

    /// A syntax error at `loc` in this file.
    private func error(_ message: String, at loc: SourceLocation) -> ADLError {
        ADLError(.syntax, message, at: loc, in: file)
    }

    // MARK: - Lines and indentation

    /// file: the whole text, line by line.
    private mutating func scanFile() throws(ADLError) {
        var atLineStart = !expressionMode
        while true {
            if atLineStart {
                atLineStart = false
                guard try scanIndentation() else { break }
                if indents.count == 1, let command = scanCommand() {
                    tokens.append(command)
                    continue
                }
            }
            skipWhitespace()
            guard let scalar = peek() else { break }
            switch scalar {
            case "#":
                skipComment()
            case "\n":
                let loc = currentLoc
                advance()
                if brackets.isEmpty && !expressionMode {
                    if let last = tokens.last, last.kind != .newline {
                        tokens.append(Token(.newline, loc))
                    }
                    atLineStart = true
                }
            case "\\":
                try scanLineContinuation()
            default:
                tokens.append(try scanToken())
            }
        }
        try finish()
    }

    /// At the start of a line: skips blank and comment-only lines, then emits
    /// INDENT or DEDENTs for the first line holding code. Returns false at the end.
    private mutating func scanIndentation() throws(ADLError) -> Bool {
        while true {
            var width = 0
            var tabLoc: SourceLocation?
            while let scalar = peek() {
                if scalar == " " {
                    width += 1
                } else if scalar == "\t" {
                    if tabLoc == nil { tabLoc = currentLoc }
                    width += 1
                } else if scalar == "\u{0C}" {
                    width = 0  // a form feed resets the count, as in Python
                } else {
                    break
                }
                advance()
            }
            guard let scalar = peek() else { return false }
            if scalar == "#" {
                skipComment()
                continue
            }
            if scalar == "\n" {
                advance()
                continue
            }
            if let tabLoc {
                throw error("tab in indentation; use spaces", at: tabLoc)
            }
            let loc = currentLoc
            let top = indents.last ?? 0
            if width > top {
                indents.append(width)
                tokens.append(Token(.indent, loc))
            } else if width < top {
                while let last = indents.last, width < last {
                    indents.removeLast()
                    tokens.append(Token(.dedent, loc))
                }
                if (indents.last ?? 0) != width {
                    throw error("unindent does not match any outer indentation level", at: loc)
                }
            }
            return true
        }
    }

    /// Words that can follow a name in an expression statement (`grad if c else g`,
    /// `grad is None`): a line `grad WORD` with one of them is code, not a command.
    private static let wordsAfterAnExpression: Set<String> = ["if", "else", "is", "in", "and", "or", "not", "for"]

    /// At the start of an unindented line: a command line (`grad NAME ...` or `:WORD ...`),
    /// read raw up to the end of the line, or nil (reading nothing) for ordinary code.
    /// Neither form is valid Python, so no program changes meaning.
    private mutating func scanCommand() -> Token? {
        let loc = currentLoc
        var end = pos
        func word(from start: Int) -> Int {
            var i = start
            while i < scalars.count, Self.isIdentifierContinue(scalars[i]) { i += 1 }
            return i
        }
        let name: String
        if peek() == ":", let next = peek(1), Self.isIdentifierStart(next) {
            end = word(from: pos + 1)
            name = text(from: pos, to: end)
        } else if let first = peek(), Self.isIdentifierStart(first) {
            end = word(from: pos)
            guard text(from: pos, to: end) == "grad" else { return nil }
            var i = end
            while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
            guard i > end, i < scalars.count, Self.isIdentifierStart(scalars[i]) else { return nil }
            guard !Self.wordsAfterAnExpression.contains(text(from: i, to: word(from: i))) else { return nil }
            name = "grad"
        } else {
            return nil
        }
        var lineEnd = end
        var quote: Unicode.Scalar?
        var commentStart: Int?
        while lineEnd < scalars.count, scalars[lineEnd] != "\n" {
            let scalar = scalars[lineEnd]
            if let q = quote {
                if scalar == "\\" { lineEnd += 1 } else if scalar == q { quote = nil }
            } else if scalar == "'" || scalar == "\"" {
                quote = scalar
            } else if scalar == "#", commentStart == nil {
                commentStart = lineEnd
            }
            lineEnd += 1
        }
        let argument = text(from: end, to: commentStart ?? lineEnd).trimmed
        while pos < lineEnd { advance() }
        return Token(.command(name: name, argument: argument), loc)
    }

    /// Skips spaces, tabs and form feeds (and newlines in expression mode).
    private mutating func skipWhitespace() {
        while let scalar = peek() {
            if scalar == " " || scalar == "\t" || scalar == "\u{0C}" || (scalar == "\n" && expressionMode) {
                advance()
            } else {
                return
            }
        }
    }

    /// Skips from `#` to the end of the line, leaving the newline.
    private mutating func skipComment() {
        while let scalar = peek(), scalar != "\n" {
            advance()
        }
    }

    /// `\` at the end of a line joins it with the next.
    private mutating func scanLineContinuation() throws(ADLError) {
        let loc = currentLoc
        advance()
        guard let next = peek() else {
            endedInsideConstruct = true
            throw error("unexpected end of file after line continuation character", at: loc)
        }
        guard next == "\n" else {
            throw error("unexpected character after line continuation character", at: loc)
        }
        advance()
    }

    /// At the end of the text: checks brackets, ends the last line, closes open blocks.
    private mutating func finish() throws(ADLError) {
        if let open = brackets.last {
            endedInsideConstruct = true
            throw error("'\(open.scalar)' was never closed", at: open.loc)
        }
        let loc = currentLoc
        if !expressionMode {
            if let last = tokens.last, last.kind != .newline {
                tokens.append(Token(.newline, loc))
            }
            for _ in indents.dropFirst() {
                tokens.append(Token(.dedent, loc))
            }
            indents = [0]
        }
        tokens.append(Token(.eof, loc))
    }

    // MARK: - Tokens

    /// token: NUMBER | NAME | keyword | STRING | operator, starting at the current scalar.
    private mutating func scanToken() throws(ADLError) -> Token {
        let loc = currentLoc
        guard let scalar = peek() else { return Token(.eof, loc) }
        if Self.isDigit(scalar) || (scalar == "." && peek(1).map(Self.isDigit) == true) {
            return try scanNumber()
        }
        if Self.isIdentifierStart(scalar) {
            return try scanNameOrPrefixedString()
        }
        if scalar == "\"" || scalar == "'" {
            return Token(try scanString(raw: false, formatted: false), loc)
        }
        return try scanOperator()
    }

    /// NAME: identifier characters (Unicode XID), or a keyword, or a string prefix.
    private mutating func scanNameOrPrefixedString() throws(ADLError) -> Token {
        let loc = currentLoc
        let start = pos
        while let scalar = peek(), Self.isIdentifierContinue(scalar) {
            advance()
        }
        let name = text(from: start, to: pos)
        if pos - start <= 2, let quote = peek(), quote == "\"" || quote == "'" {
            switch name.lowercased() {
            case "r", "u", "f", "rf", "fr":
                let prefix = name.lowercased()
                return Token(try scanString(raw: prefix.contains("r"), formatted: prefix.contains("f")), loc)
            case "b", "rb", "br":
                throw error("bytes literals are not supported in ADL", at: loc)
            default:
                break
            }
        }
        if let reserved = Self.reservedWords[name] {
            guard let keyword = reserved else {
                throw error("'\(name)' is not supported in ADL", at: loc)
            }
            return Token(.keyword(keyword), loc)
        }
        return Token(.name(name), loc)
    }

    /// Operators and delimiters, longest match first; brackets are tracked here.
    private mutating func scanOperator() throws(ADLError) -> Token {
        let loc = currentLoc
        guard let first = peek() else { return Token(.eof, loc) }
        guard let (op, length) = Self.matchOperator(first, peek(1), peek(2)) else {
            if first == "!" {
                throw error("'!' is not an operator in ADL; use 'not' (or '!=')", at: loc)
            }
            throw error(Self.invalidCharacterMessage(first), at: loc)
        }
        for _ in 0..<length {
            advance()
        }
        switch op {
        case .leftParen, .leftBracket, .leftBrace:
            brackets.append((first, loc))
        case .rightParen, .rightBracket, .rightBrace:
            guard let open = brackets.popLast() else {
                throw error("unmatched '\(first)'", at: loc)
            }
            let expected: Unicode.Scalar = open.scalar == "(" ? ")" : open.scalar == "[" ? "]" : "}"
            if first != expected {
                var message = "closing parenthesis '\(first)' does not match opening parenthesis '\(open.scalar)'"
                if open.loc.line != loc.line {
                    message += " on line \(open.loc.line)"
                }
                throw error(message, at: loc)
            }
        default:
            break
        }
        return Token(.op(op), loc)
    }

    /// The operator spelled by the longest prefix of `a b c`, and its length.
    private static func matchOperator(
        _ a: Unicode.Scalar, _ b: Unicode.Scalar?, _ c: Unicode.Scalar?
    ) -> (Token.Operator, Int)? {
        /// `plain`, or `withEqual` when `=` follows.
        func assigning(_ plain: Token.Operator, _ withEqual: Token.Operator) -> (Token.Operator, Int) {
            b == "=" ? (withEqual, 2) : (plain, 1)
        }
        /// A doubled operator (`**`, `//`, `<<`, `>>`) and its augmented form, else `single`.
        func doubled(
            _ single: (Token.Operator, Int), _ double: Token.Operator, _ doubleEqual: Token.Operator
        ) -> (Token.Operator, Int) {
            guard b == a else { return single }
            return c == "=" ? (doubleEqual, 3) : (double, 2)
        }
        switch a {
        case "+": return assigning(.plus, .plusEqual)
        case "-": return b == ">" ? (.arrow, 2) : assigning(.minus, .minusEqual)
        case "*": return doubled(assigning(.star, .starEqual), .doubleStar, .doubleStarEqual)
        case "/": return doubled(assigning(.slash, .slashEqual), .doubleSlash, .doubleSlashEqual)
        case "%": return assigning(.percent, .percentEqual)
        case "@": return assigning(.at, .atEqual)
        case "&": return assigning(.amper, .amperEqual)
        case "|": return assigning(.pipe, .pipeEqual)
        case "^": return assigning(.caret, .caretEqual)
        case "~": return (.tilde, 1)
        case "<": return doubled(assigning(.less, .lessEqual), .leftShift, .leftShiftEqual)
        case ">": return doubled(assigning(.greater, .greaterEqual), .rightShift, .rightShiftEqual)
        case "=": return assigning(.equal, .equalEqual)
        case "!": return b == "=" ? (.notEqual, 2) : nil
        case ":": return assigning(.colon, .colonEqual)
        case ".": return b == "." && c == "." ? (.ellipsis, 3) : (.dot, 1)
        case "(": return (.leftParen, 1)
        case ")": return (.rightParen, 1)
        case "[": return (.leftBracket, 1)
        case "]": return (.rightBracket, 1)
        case "{": return (.leftBrace, 1)
        case "}": return (.rightBrace, 1)
        case ",": return (.comma, 1)
        case ";": return (.semicolon, 1)
        default: return nil
        }
    }

    /// "invalid character '$' (U+0024)", or the non-printable variant.
    private static func invalidCharacterMessage(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        while hex.count < 4 {
            hex = "0" + hex
        }
        let printable = !scalar.properties.isWhitespace
            && scalar.properties.generalCategory != .control
            && scalar.properties.generalCategory != .format
            && scalar.properties.generalCategory != .unassigned
        if printable {
            return "invalid character '\(scalar)' (U+\(hex))"
        }
        return "invalid non-printable character U+\(hex)"
    }

    // MARK: - Numbers

    /// NUMBER: decimal, hexadecimal, octal or binary int; float with fraction and/or exponent.
    private mutating func scanNumber() throws(ADLError) -> Token {
        let loc = currentLoc
        if peek() == "0", let marker = peek(1) {
            let radix: Int? = switch marker {
            case "x", "X": 16
            case "o", "O": 8
            case "b", "B": 2
            default: nil
            }
            if let radix {
                advance()
                advance()
                return Token(.int(try scanRadixDigits(radix: radix, loc: loc)), loc)
            }
        }
        var digits = ""
        var isFloat = false
        try scanDecimalDigits(into: &digits, loc: loc)
        if peek() == "." {
            // Spelled so that Double(_:) surely accepts it: "0.5" for ".5", "2.0" for "2.".
            isFloat = true
            if digits.isEmpty { digits = "0" }
            digits.append(".")
            advance()
            if let scalar = peek(), Self.isDigit(scalar) {
                try scanDecimalDigits(into: &digits, loc: loc)
            } else {
                digits.append("0")
            }
        }
        if let scalar = peek(), scalar == "e" || scalar == "E" {
            isFloat = true
            digits.append("e")
            advance()
            if let sign = peek(), sign == "+" || sign == "-" {
                digits.unicodeScalars.append(sign)
                advance()
            }
            guard let scalar = peek(), Self.isDigit(scalar) else {
                throw error("invalid decimal literal", at: loc)
            }
            try scanDecimalDigits(into: &digits, loc: loc)
        }
        if let scalar = peek() {
            if scalar == "j" || scalar == "J" {
                throw error("complex numbers are not supported in ADL", at: loc)
            }
            if Self.isIdentifierContinue(scalar) || scalar == "." {
                throw error("invalid decimal literal", at: loc)
            }
        }
        if isFloat {
            guard let value = Double(digits) else {
                throw error("invalid decimal literal", at: loc)
            }
            return Token(.float(value), loc)
        }
        if digits.count > 1, digits.hasPrefix("0"), digits.contains(where: { $0 != "0" }) {
            throw error("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", at: loc)
        }
        guard let value = Int(digits) else {
            throw error("integer literal too large", at: loc)
        }
        return Token(.int(value), loc)
    }

    /// Decimal digits with single underscores between them, appended without the underscores.
    private mutating func scanDecimalDigits(into digits: inout String, loc: SourceLocation) throws(ADLError) {
        while let scalar = peek() {
            if Self.isDigit(scalar) {
                digits.unicodeScalars.append(scalar)
                advance()
            } else if scalar == "_" {
                guard let next = peek(1), Self.isDigit(next) else {
                    throw error("invalid decimal literal", at: loc)
                }
                advance()
            } else {
                return
            }
        }
    }

    /// The digits after `0x`, `0o` or `0b`, as an Int64.
    private mutating func scanRadixDigits(radix: Int, loc: SourceLocation) throws(ADLError) -> Int {
        let kind = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary"
        var value = 0
        var count = 0
        var overflow = false
        while let scalar = peek() {
            if scalar == "_" {
                guard let next = peek(1), Self.digitValue(next, radix: radix) != nil else {
                    throw error("invalid \(kind) literal", at: loc)
                }
                advance()
                continue
            }
            guard let digit = Self.digitValue(scalar, radix: radix) else { break }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            overflow = overflow || overflow1 || overflow2
            value = sum
            count += 1
            advance()
        }
        if let scalar = peek(), Self.isIdentifierContinue(scalar) || scalar == "." {
            if Self.isDigit(scalar) {
                throw error("invalid digit '\(scalar)' in \(kind) literal", at: loc)
            }
            throw error("invalid \(kind) literal", at: loc)
        }
        if count == 0 {
            throw error("invalid \(kind) literal", at: loc)
        }
        if overflow {
            throw error("integer literal too large", at: loc)
        }
        return value
    }

    // MARK: - Strings

    /// STRING: '...', "...", '''...''', """...""" with escapes (none when `raw`);
    /// with `formatted`, an f-string whose `{...}` fields are lexed as expressions.
    /// Starts at the opening quote (any prefix is already consumed).
    private mutating func scanString(raw: Bool, formatted: Bool) throws(ADLError) -> Token.Kind {
        let quoteLoc = currentLoc
        guard let quote = peek() else { throw error("unterminated string literal", at: quoteLoc) }
        let triple = peek(1) == quote && peek(2) == quote
        advance()
        if triple {
            advance()
            advance()
        }
        if formatted {
            fstringDepth += 1
            if fstringDepth > Self.maxFStringNesting {
                throw error("too many nested f-strings", at: quoteLoc)
            }
        }
        defer {
            if formatted { fstringDepth -= 1 }
        }
        var literal = String.UnicodeScalarView()
        var segments: [Token.FStringSegment] = []
        while true {
            guard let scalar = peek() else {
                throw unterminated(triple: triple, at: quoteLoc)
            }
            if scalar == quote {
                if !triple {
                    advance()
                    break
                }
                if peek(1) == quote && peek(2) == quote {
                    advance()
                    advance()
                    advance()
                    break
                }
            }
            if scalar == "\n" && !triple {
                throw unterminated(triple: false, at: quoteLoc)
            }
            if scalar == "\\" {
                try scanEscape(into: &literal, raw: raw, triple: triple, quoteLoc: quoteLoc)
                continue
            }
            if formatted && scalar == "{" {
                if peek(1) == "{" {
                    literal.append("{")
                    advance()
                    advance()
                    continue
                }
                if !literal.isEmpty {
                    segments.append(.literal(String(literal)))
                    literal = String.UnicodeScalarView()
                }
                segments.append(contentsOf: try scanReplacementField(quote: quote, triple: triple))
                continue
            }
            if formatted && scalar == "}" {
                if peek(1) == "}" {
                    literal.append("}")
                    advance()
                    advance()
                    continue
                }
                throw error("f-string: single '}' is not allowed", at: currentLoc)
            }
            literal.append(scalar)
            advance()
        }
        if formatted {
            if !literal.isEmpty {
                segments.append(.literal(String(literal)))
            }
            return .fstring(segments)
        }
        return .string(String(literal))
    }

    /// The error for a string that reaches the end of its line or of the file.
    private mutating func unterminated(triple: Bool, at loc: SourceLocation) -> ADLError {
        if triple {
            endedInsideConstruct = true
            return error("unterminated triple-quoted string literal", at: loc)
        }
        return error("unterminated string literal", at: loc)
    }

    /// escape: '\' followed by newline, n t r 0-7 x u U a b f v \ ' " (unknown escapes keep the backslash).
    private mutating func scanEscape(
        into literal: inout String.UnicodeScalarView, raw: Bool, triple: Bool, quoteLoc: SourceLocation
    ) throws(ADLError) {
        let escapeLoc = currentLoc
        advance()
        guard let scalar = peek() else {
            throw unterminated(triple: triple, at: quoteLoc)
        }
        if raw {
            // In a raw string a backslash keeps itself and protects the next scalar (even a quote).
            literal.append("\\")
            literal.append(scalar)
            advance()
            return
        }
        switch scalar {
        case "\n":
            advance()
        case "n": literal.append("\n"); advance()
        case "t": literal.append("\t"); advance()
        case "r": literal.append("\r"); advance()
        case "\\": literal.append("\\"); advance()
        case "'": literal.append("'"); advance()
        case "\"": literal.append("\""); advance()
        case "a": literal.append("\u{07}"); advance()
        case "b": literal.append("\u{08}"); advance()
        case "f": literal.append("\u{0C}"); advance()
        case "v": literal.append("\u{0B}"); advance()
        case "0"..."7":
            var value: UInt32 = 0
            var count = 0
            while count < 3, let digit = peek(), let octal = Self.digitValue(digit, radix: 8) {
                value = value * 8 + UInt32(octal)
                count += 1
                advance()
            }
            literal.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        case "x", "u", "U":
            let width = scalar == "x" ? 2 : scalar == "u" ? 4 : 8
            advance()
            var value: UInt32 = 0
            for _ in 0..<width {
                guard let digit = peek(), let hex = Self.digitValue(digit, radix: 16) else {
                    let spelling = scalar == "x" ? "\\xXX" : scalar == "u" ? "\\uXXXX" : "\\UXXXXXXXX"
                    throw error("truncated \(spelling) escape", at: escapeLoc)
                }
                value = value &* 16 &+ UInt32(hex)
                advance()
            }
            guard let decoded = Unicode.Scalar(value) else {
                throw error("invalid unicode escape", at: escapeLoc)
            }
            literal.append(decoded)
        case "N":
            throw error("\\N{...} escapes are not supported in ADL", at: escapeLoc)
        default:
            // Python keeps an unknown escape as written; the scalar after it is read normally.
            literal.append("\\")
        }
    }

    /// replacement_field: '{' expression ['='] ['!' conversion] [':' format_spec] '}'
    /// Starts at the `{`; returns the field, preceded by the `expr=` text for `{expr=}`.
    private mutating func scanReplacementField(
        quote: Unicode.Scalar, triple: Bool
    ) throws(ADLError) -> [Token.FStringSegment] {
        let braceLoc = currentLoc
        advance()
        let savedBrackets = brackets
        brackets = []
        defer { brackets = savedBrackets }

        func isClosingQuote(_ lexer: Lexer, _ scalar: Unicode.Scalar) -> Bool {
            scalar == quote && (!triple || (lexer.peek(1) == quote && lexer.peek(2) == quote))
        }
        func expectingBrace(_ lexer: inout Lexer) -> ADLError {
            if lexer.peek() == nil && triple {
                lexer.endedInsideConstruct = true
            }
            return lexer.error("f-string: expecting '}'", at: braceLoc)
        }

        let expressionStart = pos
        var expressionTokens: [Token] = []
        var debugText: String?
        while true {
            while let scalar = peek(),
                  scalar == " " || scalar == "\t" || scalar == "\u{0C}" || (scalar == "\n" && triple) {
                advance()
            }
            guard let scalar = peek(), scalar != "\n" else {
                throw expectingBrace(&self)
            }
            if brackets.isEmpty {
                if scalar == "}" || scalar == ":" || (scalar == "!" && peek(1) != "=") {
                    break
                }
                if scalar == "=" && peek(1) != "=" {
                    // `{expr=}` also shows the expression's text, spaces included.
                    advance()
                    while let space = peek(), space == " " || space == "\t" {
                        advance()
                    }
                    debugText = text(from: expressionStart, to: pos)
                    guard let next = peek(), next == "}" || next == "!" || next == ":" else {
                        throw expectingBrace(&self)
                    }
                    break
                }
                if isClosingQuote(self, scalar) {
                    throw expectingBrace(&self)
                }
            }
            if scalar == "#" {
                throw error("f-string expression part cannot include '#'", at: currentLoc)
            }
            if scalar == "\\" {
                throw error("f-string expression part cannot include a backslash", at: currentLoc)
            }
            expressionTokens.append(try scanToken())
        }
        guard let terminator = peek() else { throw expectingBrace(&self) }
        if expressionTokens.isEmpty {
            throw error("f-string: valid expression required before '\(terminator)'", at: currentLoc)
        }
        expressionTokens.append(Token(.eof, currentLoc))

        var conversion: String?
        if terminator == "!" {
            advance()
            let conversionLoc = currentLoc
            let start = pos
            while let scalar = peek(), Self.isIdentifierContinue(scalar) {
                advance()
            }
            let name = text(from: start, to: pos)
            if name.isEmpty {
                throw error("f-string: missing conversion character", at: conversionLoc)
            }
            guard name == "r" || name == "s" else {
                throw error("f-string: invalid conversion character '\(name)': expected 's' or 'r'", at: conversionLoc)
            }
            conversion = name
        }
        var spec: String?
        if peek() == ":" {
            advance()
            var specText = String.UnicodeScalarView()
            while let scalar = peek(), scalar != "}" {
                if scalar == "{" {
                    throw error("nested replacement fields in f-string format specs are not supported in ADL", at: currentLoc)
                }
                if (scalar == "\n" && !triple) || isClosingQuote(self, scalar) {
                    throw expectingBrace(&self)
                }
                specText.append(scalar)
                advance()
            }
            spec = String(specText)
        }
        guard peek() == "}" else { throw expectingBrace(&self) }
        advance()

        var segments: [Token.FStringSegment] = []
        if let debugText {
            segments.append(.literal(debugText))
            if conversion == nil && spec == nil {
                conversion = "r"
            }
        }
        segments.append(.expr(tokens: expressionTokens, conversion: conversion, spec: spec, loc: braceLoc))
        return segments
    }

    // MARK: - Character classes

    /// ASCII `0`-`9`.
    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    /// A letter or `_` (Unicode XID_Start).
    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || value == 0x5F
        }
        return scalar.properties.isXIDStart
    }

    /// A letter, digit or `_` (Unicode XID_Continue).
    private static func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return isIdentifierStart(scalar) || isDigit(scalar)
        }
        return scalar.properties.isXIDContinue
    }

    /// The value of a digit in `radix` (up to 16), nil if it is not one.
    private static func digitValue(_ scalar: Unicode.Scalar, radix: Int) -> Int? {
        let value = Int(scalar.value)
        let digit: Int
        switch value {
        case 0x30...0x39: digit = value - 0x30
        case 0x61...0x66: digit = value - 0x61 + 10
        case 0x41...0x46: digit = value - 0x41 + 10
        default: return nil
        }
        return digit < radix ? digit : nil
    }
}

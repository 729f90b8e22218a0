// Tests of `Lexer`: lines and indentation, joining, numbers, strings,
// f-strings, keywords and operators, and errors with their exact locations.

import XCTest
@testable import ADL

final class LexerTests: XCTestCase {
    private typealias S = SyntaxTestSupport

    private func tokens(_ text: String, expressionMode: Bool = false) throws -> [Token] {
        var lexer = Lexer(file: S.file(text), expressionMode: expressionMode)
        return try lexer.tokenize()
    }

    /// The tokens as compact text: `x = 1 NL EOF`.
    private func lex(_ text: String, expressionMode: Bool = false,
                     file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            return try tokens(text, expressionMode: expressionMode).map { spell($0.kind) }.joined(separator: " ")
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return ""
        }
    }

    private func spell(_ kind: Token.Kind) -> String {
        switch kind {
        case .name(let name): return name
        case .int(let value): return String(value)
        case .float(let value): return String(value)
        case .string(let text): return S.quote(text)
        case .fstring(let segments): return "f\(segments.count)"
        case .keyword(let keyword): return keyword.rawValue
        case .op(let op): return op.rawValue
        case .newline: return "NL"
        case .indent: return "INDENT"
        case .dedent: return "DEDENT"
        case .command(let name, let argument): return "CMD(\(name)|\(argument))"
        case .eof: return "EOF"
        }
    }

    private func error(_ text: String) -> String {
        S.errorText { _ = try tokens(text) }
    }

    private func value(_ text: String) throws -> Token.Kind {
        try tokens(text, expressionMode: true).first?.kind ?? .eof
    }

    private func loc(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(line: line, column: column)
    }

    // MARK: - Lines and indentation

    func testSimpleLine() {
        XCTAssertEqual(lex("x = 1 + 2"), "x = 1 + 2 NL EOF")
        XCTAssertEqual(lex("x = 1 + 2\n"), "x = 1 + 2 NL EOF")
        XCTAssertEqual(lex(""), "EOF")
        XCTAssertEqual(lex("\n\n"), "EOF")
    }

    func testIndentAndDedent() {
        let text = "if a:\n    b\n    if c:\n        d\ne\n"
        XCTAssertEqual(lex(text), "if a : NL INDENT b NL if c : NL INDENT d NL DEDENT DEDENT e NL EOF")
    }

    func testEndOfFileClosesOpenBlocks() {
        XCTAssertEqual(lex("def f():\n    return 1"), "def f ( ) : NL INDENT return 1 NL DEDENT EOF")
        XCTAssertEqual(lex("if a:\n  if b:\n    c\n"), "if a : NL INDENT if b : NL INDENT c NL DEDENT DEDENT EOF")
    }

    func testBlankAndCommentLinesAreIgnored() {
        let text = "x = 1  # c\n\n   \n        # indented comment\n\t# a tab before a comment is fine\ny"
        XCTAssertEqual(lex(text), "x = 1 NL y NL EOF")
        XCTAssertEqual(lex("#!/usr/bin/env adl\nx"), "x NL EOF")
    }

    func testSemicolonsStayOnTheLine() {
        XCTAssertEqual(lex("a; b;"), "a ; b ; NL EOF")
    }

    func testImplicitJoiningInsideBrackets() {
        XCTAssertEqual(lex("x = (1,\n     2)\ny = [\n3]\nz = {\n'a':\n1}"),
                       "x = ( 1 , 2 ) NL y = [ 3 ] NL z = { 'a' : 1 } NL EOF")
        XCTAssertEqual(lex("if a:\n    f(1,  # comment\n2)\n"), "if a : NL INDENT f ( 1 , 2 ) NL DEDENT EOF")
    }

    func testBackslashContinuation() {
        XCTAssertEqual(lex("x = 1 + \\\n    2\n"), "x = 1 + 2 NL EOF")
        XCTAssertEqual(error("x = 1 \\ 2"), "unexpected character after line continuation character @ 1:7")
        XCTAssertEqual(error("x = 1 \\"), "unexpected end of file after line continuation character @ 1:7")
    }

    func testTokenLocations() throws {
        let toks = try tokens("x = 1\n  \nif y:\n    z")
        XCTAssertEqual(toks.map(\.loc), [
            loc(1, 1), loc(1, 3), loc(1, 5), loc(1, 6),      // x = 1 NL
            loc(3, 1), loc(3, 4), loc(3, 5), loc(3, 6),      // if y : NL
            loc(4, 5), loc(4, 5), loc(4, 6), loc(4, 6), loc(4, 6),  // INDENT z NL DEDENT EOF
        ])
        XCTAssertEqual(toks.map { spell($0.kind) }.joined(separator: " "), "x = 1 NL if y : NL INDENT z NL DEDENT EOF")
    }

    func testColumnsCountUnicodeScalars() throws {
        let toks = try tokens("α = 'é😀'; β")
        XCTAssertEqual(toks.prefix(5).map(\.loc), [loc(1, 1), loc(1, 3), loc(1, 5), loc(1, 9), loc(1, 11)])
        XCTAssertEqual(toks[2].kind, .string("é😀"))
    }

    func testCarriageReturnLineFeeds() throws {
        let toks = try tokens("if a:\r\n    b\r\n")
        XCTAssertEqual(toks.map { spell($0.kind) }.joined(separator: " "), "if a : NL INDENT b NL DEDENT EOF")
        XCTAssertEqual(toks[5].loc, loc(2, 5))
    }

    func testExpressionModeTreatsNewlinesAsSpaces() {
        XCTAssertEqual(lex("  f(1,\n2)\n+ 3", expressionMode: true), "f ( 1 , 2 ) + 3 EOF")
    }

    // MARK: - Indentation and bracket errors

    func testTabInIndentationIsAnError() {
        XCTAssertEqual(error("if a:\n\tb"), "tab in indentation; use spaces @ 2:1")
        XCTAssertEqual(error("if a:\n  \tb"), "tab in indentation; use spaces @ 2:3")
        XCTAssertEqual(lex("x =\t1"), "x = 1 NL EOF")
    }

    func testInconsistentDedent() {
        XCTAssertEqual(error("if a:\n    b\n  c"), "unindent does not match any outer indentation level @ 3:3")
    }

    func testBracketErrors() {
        XCTAssertEqual(error("f(1, [2)"), "closing parenthesis ')' does not match opening parenthesis '[' @ 1:8")
        XCTAssertEqual(error("(\n]"), "closing parenthesis ']' does not match opening parenthesis '(' on line 1 @ 2:1")
        XCTAssertEqual(error("x)"), "unmatched ')' @ 1:2")
        XCTAssertEqual(error("x = [1,\n(2"), "'(' was never closed @ 2:1")
        XCTAssertEqual(error("x = {"), "'{' was never closed @ 1:5")
    }

    // MARK: - Numbers

    func testIntegers() {
        XCTAssertEqual(lex("1 1_000 0x1F 0o17 0b101 0XfF 0 00 0x_1f 9223372036854775807"),
                       "1 1000 31 15 5 255 0 0 31 9223372036854775807 NL EOF")
    }

    func testFloats() throws {
        let expected: [Double] = [1.5, 0.5, 1e-3, 2.0, 10.5e10, 1e5, 1e3, 0.0, 3.25e-2, .infinity]
        let toks = try tokens("1.5 .5 1e-3 2. 1_0.5e1_0 1E5 1.e3 0.0 3.25E-2 1e400", expressionMode: true)
        XCTAssertEqual(toks.dropLast().map(\.kind), expected.map { Token.Kind.float($0) })
        XCTAssertEqual(lex("x[1:2]"), "x [ 1 : 2 ] NL EOF")
    }

    func testNumberErrors() {
        XCTAssertEqual(error("9223372036854775808"), "integer literal too large @ 1:1")
        XCTAssertEqual(error("x = 0x1_0000_0000_0000_0000"), "integer literal too large @ 1:5")
        XCTAssertEqual(error("1abc"), "invalid decimal literal @ 1:1")
        XCTAssertEqual(error("x = 1.2.3"), "invalid decimal literal @ 1:5")
        XCTAssertEqual(error("1_"), "invalid decimal literal @ 1:1")
        XCTAssertEqual(error("1__0"), "invalid decimal literal @ 1:1")
        XCTAssertEqual(error("1e"), "invalid decimal literal @ 1:1")
        XCTAssertEqual(error("1e+x"), "invalid decimal literal @ 1:1")
        XCTAssertEqual(error("0x"), "invalid hexadecimal literal @ 1:1")
        XCTAssertEqual(error("0b102"), "invalid digit '2' in binary literal @ 1:1")
        XCTAssertEqual(error("0o8"), "invalid digit '8' in octal literal @ 1:1")
        XCTAssertEqual(error("012"),
                       "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers @ 1:1")
        XCTAssertEqual(error("2j"), "complex numbers are not supported in ADL @ 1:1")
    }

    // MARK: - Strings

    func testEscapes() throws {
        XCTAssertEqual(try value(#"'a\nb\t\\\'\"\r\0\x41\u00e9\U0001F600'"#), .string("a\nb\t\\'\"\r\0Aé😀"))
        XCTAssertEqual(try value(#""\101\d\{""#), .string("A\\d\\{"))
        XCTAssertEqual(try value("'ab\\\ncd'"), .string("abcd"))
        XCTAssertEqual(try value("\"it's\""), .string("it's"))
    }

    func testRawStrings() throws {
        XCTAssertEqual(try value(#"r'\d\n'"#), .string(#"\d\n"#))
        XCTAssertEqual(try value(#"R"\"x""#), .string(#"\"x"#))
    }

    func testTripleQuotedStrings() throws {
        let toks = try tokens("s = '''a\nb ' '' c'''\nt")
        XCTAssertEqual(toks[2].kind, .string("a\nb ' '' c"))
        XCTAssertEqual(toks[4].kind, .name("t"))
        XCTAssertEqual(toks[4].loc, loc(3, 1))
        XCTAssertEqual(try value(#""""He said "hi" """"#), .string(#"He said "hi" "#))
    }

    func testStringErrors() {
        XCTAssertEqual(error("x = 'abc"), "unterminated string literal @ 1:5")
        XCTAssertEqual(error("x = \"abc\ny\""), "unterminated string literal @ 1:5")
        XCTAssertEqual(error("x = f'abc\n"), "unterminated string literal @ 1:6")
        XCTAssertEqual(error("x = '''abc\n\n"), "unterminated triple-quoted string literal @ 1:5")
        XCTAssertEqual(error(#"x = '\x4'"#), #"truncated \xXX escape @ 1:6"#)
        XCTAssertEqual(error(#"x = '\ud800'"#), "invalid unicode escape @ 1:6")
        XCTAssertEqual(error("b'abc'"), "bytes literals are not supported in ADL @ 1:1")
    }

    // MARK: - F-strings

    func testFStringSegments() throws {
        let toks = try tokens(#"f"a{{b}}{x}c""#)
        XCTAssertEqual(toks[0].kind, .fstring([
            .literal("a{b}"),
            .expr(tokens: [Token(.name("x"), loc(1, 10)), Token(.eof, loc(1, 11))], conversion: nil, spec: nil, loc: loc(1, 9)),
            .literal("c"),
        ]))
    }

    func testFStringConversionsAndSpecs() throws {
        guard case .fstring(let segments) = try value("f'{x!r:>10}{y:.3f}{z!s}{w=}{v = :e}'") else {
            return XCTFail("not an f-string")
        }
        let described = segments.map { segment -> String in
            switch segment {
            case .literal(let text): return "lit(\(text))"
            case .expr(let tokens, let conversion, let spec, _):
                return "expr(\(tokens.count) \(conversion ?? "-") \(spec ?? "-"))"
            }
        }
        XCTAssertEqual(described, ["expr(2 r >10)", "expr(2 - .3f)", "expr(2 s -)", "lit(w=)", "expr(2 r -)",
                                   "lit(v = )", "expr(2 - e)"])
    }

    func testFStringExpressionsMayHoldStringsAndSpanLinesWhenTripleQuoted() throws {
        let toks = try tokens("s = f'''{d[\"k\"]}\n{f(1,\n  2)}'''")
        guard case .fstring(let segments) = toks[2].kind, segments.count == 3,
              case .expr(let first, nil, nil, _) = segments[0],
              case .expr(let second, nil, nil, _) = segments[2] else { return XCTFail("segments") }
        XCTAssertEqual(first.map { spell($0.kind) }.joined(separator: " "), "d [ 'k' ] EOF")
        XCTAssertEqual(second.map { spell($0.kind) }.joined(separator: " "), "f ( 1 , 2 ) EOF")
        XCTAssertEqual(second[4].loc, loc(3, 3))
    }

    func testFStringErrors() {
        XCTAssertEqual(error("f'}'"), "f-string: single '}' is not allowed @ 1:3")
        XCTAssertEqual(error("f'{}'"), "f-string: valid expression required before '}' @ 1:4")
        XCTAssertEqual(error("f'{ !r}'"), "f-string: valid expression required before '!' @ 1:5")
        XCTAssertEqual(error("f'{x!a}'"), "f-string: invalid conversion character 'a': expected 's' or 'r' @ 1:6")
        XCTAssertEqual(error("f'{x'"), "f-string: expecting '}' @ 1:3")
        XCTAssertEqual(error("f'{x\n}'"), "f-string: expecting '}' @ 1:3")
        XCTAssertEqual(error("f'{x:{y}}'"), "nested replacement fields in f-string format specs are not supported in ADL @ 1:6")
        XCTAssertEqual(error("f'{#}'"), "f-string expression part cannot include '#' @ 1:4")
        XCTAssertEqual(error("f'{x=1}'"), "f-string: expecting '}' @ 1:3")
    }

    func testNestedFStringsAreLimited() {
        func nested(_ levels: Int) -> String {
            var text = "1"
            for _ in 0..<levels {
                text = "f'{(" + text + ")}'"
            }
            return text
        }
        XCTAssertEqual(error(nested(10)), "no error")
        XCTAssertEqual(error(nested(30)), "too many nested f-strings @ 1:82")
    }

    // MARK: - Keywords and operators

    func testKeywords() throws {
        let all = Token.Keyword.allCases.map(\.rawValue).joined(separator: " ")
        XCTAssertEqual(try tokens(all).dropLast(2).map(\.kind), Token.Keyword.allCases.map { .keyword($0) })
        XCTAssertEqual(lex("Trueish none_ print"), "Trueish none_ print NL EOF")
        for word in ["class", "try", "except", "finally", "raise", "global", "nonlocal", "yield", "with", "async",
                     "await", "assert"] {
            XCTAssertEqual(error("x = 1\n\(word) y"),
                           "'\(word)' is not supported in ADL @ 2:1")
        }
    }

    func testOperatorsTakeTheLongestMatch() {
        XCTAssertEqual(lex("a **= b //= c -> d <= e >= f == g != h << i >> j @= k := l ... m ** n // o"),
                       "a **= b //= c -> d <= e >= f == g != h << i >> j @= k := l ... m ** n // o NL EOF")
        XCTAssertEqual(lex("+= -= *= /= %= &= |= ^= ~ < > = . , : ;"),
                       "+= -= *= /= %= &= |= ^= ~ < > = . , : ; NL EOF")
    }

    func testInvalidCharacters() {
        XCTAssertEqual(error("a ! b"), "'!' is not an operator in ADL; use 'not' (or '!=') @ 1:3")
        XCTAssertEqual(error("x = $y"), "invalid character '$' (U+0024) @ 1:5")
        XCTAssertEqual(error("x = 1 ? 2"), "invalid character '?' (U+003F) @ 1:7")
        XCTAssertEqual(error("x = a − b"), "invalid character '−' (U+2212) @ 1:7")
        XCTAssertEqual(error("x = 1\u{A0}"), "invalid non-printable character U+00A0 @ 1:6")
    }

    func testTokenizeStoppingAtErrorKeepsTheTokensBefore() {
        var lexer = Lexer(file: S.file("x = 1\ny = $"))
        let (toks, error) = lexer.tokenizeStoppingAtError()
        XCTAssertEqual(toks.map { spell($0.kind) }.joined(separator: " "), "x = 1 NL y = EOF")
        XCTAssertEqual(error?.location, loc(2, 5))
        XCTAssertEqual(error?.kind, .syntax)
        XCTAssertEqual(error?.file?.name, "test.adl")
    }
}

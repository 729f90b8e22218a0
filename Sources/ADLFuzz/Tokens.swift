// An approximate tokenizer for the mutator, and the vocabulary of tokens it inserts.
// It does not need to agree with the real lexer: it only cuts a program into pieces
// whose concatenation is the program again, so that dropping, duplicating and swapping
// pieces produces plausible near-programs.

import ADL

/// One piece of program text.
struct Piece: Sendable {
    enum Kind: UInt8, Sendable {
        case space, newline, indent, comment, name, number, string, op, other
    }
    var text: String
    var kind: Kind

    /// Whether the mutator should pick it as "a token" (spaces are not).
    var isSignificant: Bool { kind != .space }
}

enum Tokens {
    static let threeCharOps: Set<String> = ["**=", "//=", ">>=", "<<=", "..."]
    static let twoCharOps: Set<String> = [
        "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=",
        "^=", "->", "<<", ">>", ":=",
    ]

    /// Cuts `text` into pieces; concatenating their texts gives `text` back.
    static func split(_ text: String) -> [Piece] {
        let s = Array(text.unicodeScalars)
        var pieces: [Piece] = []
        var i = 0
        var atLineStart = true

        func emit(_ start: Int, _ end: Int, _ kind: Piece.Kind) {
            var t = String.UnicodeScalarView()
            t.append(contentsOf: s[start..<end])
            pieces.append(Piece(text: String(t), kind: kind))
        }
        func isNameStart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || (c.value < 128 ? c.properties.isAlphabetic : c.properties.isXIDStart)
        }
        func isNameContinue(_ c: Unicode.Scalar) -> Bool {
            c == "_" || (c.value < 128 ? (c.properties.isAlphabetic || ("0"..."9").contains(c)) : c.properties.isXIDContinue)
        }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

        while i < s.count {
            let c = s[i]
            let start = i
            if c == "\n" {
                i += 1
                emit(start, i, .newline)
                atLineStart = true
                continue
            }
            if c == " " || c == "\t" || c == "\r" || c == "\u{0C}" {
                while i < s.count, s[i] == " " || s[i] == "\t" || s[i] == "\r" || s[i] == "\u{0C}" { i += 1 }
                emit(start, i, atLineStart ? .indent : .space)
                atLineStart = false
                continue
            }
            atLineStart = false
            if c == "#" {
                while i < s.count, s[i] != "\n" { i += 1 }
                emit(start, i, .comment)
                continue
            }
            if isNameStart(c) {
                while i < s.count, isNameContinue(s[i]) { i += 1 }
                // String prefixes: f"...", r'...', rb"..."
                if i < s.count, s[i] == "\"" || s[i] == "'", i - start <= 2 {
                    i = scanString(s, from: i)
                    emit(start, i, .string)
                } else {
                    emit(start, i, .name)
                }
                continue
            }
            if isDigit(c) || (c == "." && i + 1 < s.count && isDigit(s[i + 1])) {
                i += 1
                while i < s.count {
                    let d = s[i]
                    if isDigit(d) || d == "." || d == "_" || isNameContinue(d) {
                        i += 1
                    } else if (d == "+" || d == "-"), s[i - 1] == "e" || s[i - 1] == "E" {
                        i += 1
                    } else {
                        break
                    }
                }
                emit(start, i, .number)
                continue
            }
            if c == "\"" || c == "'" {
                i = scanString(s, from: i)
                emit(start, i, .string)
                continue
            }
            if "+-*/%@&|^~<>=!:;,.()[]{}\\".unicodeScalars.contains(c) {
                for width in [3, 2] where i + width <= s.count {
                    var t = String.UnicodeScalarView()
                    t.append(contentsOf: s[i..<(i + width)])
                    let op = String(t)
                    if (width == 3 && threeCharOps.contains(op)) || (width == 2 && twoCharOps.contains(op)) {
                        i += width
                        break
                    }
                }
                if i == start { i += 1 }
                emit(start, i, .op)
                continue
            }
            i += 1
            emit(start, i, .other)
        }
        return pieces
    }

    /// The end of the string literal whose opening quote is at `i` (or the end of the
    /// line / text when it is unterminated).
    private static func scanString(_ s: [Unicode.Scalar], from start: Int) -> Int {
        let quote = s[start]
        var i = start
        let triple = i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote
        i += triple ? 3 : 1
        while i < s.count {
            let c = s[i]
            if c == "\\" {
                i += 2
                continue
            }
            if !triple && c == "\n" { return i }
            if c == quote {
                if !triple { return i + 1 }
                if i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote { return i + 3 }
            }
            i += 1
        }
        return min(i, s.count)
    }

    // MARK: - Vocabulary

    static let keywords = [
        "def", "return", "lambda", "if", "elif", "else", "for", "in", "while", "break",
        "continue", "pass", "and", "or", "not", "is", "True", "False", "None", "import",
        "as", "from", "del", "class", "try", "except", "global", "nonlocal", "yield", "with",
        "assert", "raise", "async", "await",
    ]
    static let operators = [
        "+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "~", "<<", ">>", "<", "<=", ">",
        ">=", "==", "!=", "=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "&=", "|=", "^=",
        "<<=", ">>=", ",", ":", ".", ";", "->", ":=", "...", "!", "$", "?", "`", "\\", "\\\n",
    ]
    static let brackets = ["(", ")", "[", "]", "{", "}", "()", "[]", "{}", "((", "))", "[[", "]]"]
    static let numbers = [
        "0", "1", "2", "3", "-1", "10", "1.5", ".5", "2.", "1e-3", "1e3", "0.0", "-0.0", "1_000",
        "1e308", "1e309", "1e-320", "1e400", "1e-400", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "18446744073709551616", "99999999999999999999999999999",
        "4294967296", "2147483648", "65536", "1048576", "1048577", "100000", "0.1", "3.14159",
        "1__0", "1_", "0x10", "0b101", "0o7", "1e", "1e+", "1.2.3", "1j", "00", "007",
        "4611686018427387904", "2305843009213693952", "(0, 4611686018427387904)", "2**62", "2**31",
    ]
    static let names = [
        "x", "y", "z", "a", "b", "i", "n", "f", "g", "M", "np", "numpy", "linalg", "random",
        "pi", "e", "inf", "nan", "argv", "self", "_", "__init__", "undefined_name",
        "np.linalg", "np.random", "numpy.linalg.inv", "T", "shape", "ndim", "size", "dtype",
    ]
    static let strings = [
        "\"\"", "''", "\"a\"", "'x.npy'", "\"hello world\"", "f\"{x}\"", "f\"{x:.3f}\"", "f\"{x!r}\"",
        "f\"{\"", "f\"}\"", "f\"{{}}\"", "f'{f\"{1}\"}'", "\"\"\"triple\"\"\"", "'''a\nb'''", "\"\\n\\t\\\\\"",
        "\"\\x41\\u00e9\\N{BULLET}\"", "\"\\777\"", "\"unterminated", "\"\"\"unterminated", "r\"\\d\"",
        "b\"bytes\"", "\"é∂∑\"", "\"\\\"", "f\"{x=}\"", "f\"{x:{y}}\"", "f\"{}\"",
    ]
    static let layout = ["\n", "\n", "\n    ", "    ", "  ", "\t", "\n\t", ";", "\r\n", "\r", "#", "\u{0C}", "\\\n"]
    static let odd = [
        "\u{0}", "\u{FEFF}", "\u{FFFD}", "\u{200B}", "\u{2028}", "\u{202E}", "é", "∂", "😀", "\u{301}",
        "λ", "Ω", "ℌ", "\u{1}", "\u{7F}", "\u{85}", "\u{A0}", "\u{3000}",
    ]

    /// Builtin names: the standard table, the array methods, and the names SPEC §7 lists
    /// (which may not exist yet: using them is then a name error, which is fine).
    static let builtinNames: [String] = {
        let table = Library.makeStandard()
        var set = Set(table.names)
        set.formUnion(table.arrayMethods.keys)
        set.formUnion(specNames)
        return set.sorted()
    }()

    /// The builtins the standard table has now.
    static let implementedNames: [String] = {
        let table = Library.makeStandard()
        return table.names.sorted()
    }()

    static let arrayMethodNames: [String] = {
        let table = Library.makeStandard()
        return Set(table.arrayMethods.keys).union(["sum", "mean", "T", "shape", "reshape", "dot", "item", "tolist"]).sorted()
    }()

    static let specNames = [
        "array", "zeros", "ones", "full", "eye", "identity", "arange", "linspace", "zeros_like",
        "ones_like", "full_like", "copy", "random.seed", "random.rand", "random.randn",
        "random.uniform", "random.normal", "abs", "sign", "sqrt", "square", "exp", "exp2", "expm1",
        "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2",
        "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "maximum", "minimum", "where",
        "clip", "floor", "ceil", "round", "hypot", "logaddexp", "isnan", "isinf", "isfinite", "sum",
        "mean", "prod", "max", "min", "argmax", "argmin", "std", "var", "norm", "cumsum", "cumprod",
        "any", "all", "logsumexp", "softmax", "log_softmax", "sigmoid", "reshape", "ravel", "flatten",
        "transpose", "expand_dims", "squeeze", "concatenate", "stack", "hstack", "vstack",
        "broadcast_to", "tile", "repeat", "pad", "flip", "len", "shape", "size", "ndim", "dot",
        "matmul", "outer", "inner", "trace", "diag", "tril", "triu", "linalg.inv", "linalg.solve",
        "linalg.det", "linalg.slogdet", "linalg.cholesky", "linalg.norm", "print", "range", "str",
        "float", "int", "isclose", "allclose", "time", "help", "grad", "value_and_grad",
        "elementwise_grad", "jacobian", "hessian", "jvp", "vjp", "stop_gradient", "checkgrad", "show",
        "emit", "dis", "fmin_l_bfgs_b", "minimize", "dict", "list", "tuple", "bool", "repr",
        "asarray", "load", "loadtxt",
    ]

    /// Every token the mutator may insert.
    static let vocabulary: [String] = {
        keywords + operators + brackets + numbers + names + strings + layout + odd + builtinNames
    }()
}

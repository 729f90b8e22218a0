// The mutator: turns a corpus of programs (the golden scripts) into an endless,
// reproducible stream of near-programs and odd programs. Program number i of a
// campaign depends only on the seed, i and the corpus, so `program(at:)`
// reproduces any of them without replaying the ones before.
//
// Strategies (weights in `program(at:)`): token mutations of a corpus program
// (drop, duplicate, swap, insert from a vocabulary, replace a name or number,
// re-indent), byte mutations (random bytes, invalid UTF-8, NUL), truncation,
// splicing the lines of two programs, deep nesting (brackets, unary operators,
// blocks, lambdas, calls, long operator chains), huge literals and long lists,
// and whole programs from the tiny grammar of Generator.swift.

/// A deterministic stream of programs to feed the interpreter.
public struct Fuzzer {
    public let seed: UInt64
    /// The programs mutations start from, each cut into pieces once.
    private let corpus: [[Piece]]
    private let corpusText: [String]
    /// How many programs `nextProgram` has returned.
    public private(set) var index = 0
    /// Scales the depth of generated nestings (1: the full 50–400 range).
    public var depthScale: Double = 1
    /// Scales the length of generated chains, argument lists, bodies and literals (1: up to
    /// thousands of terms). These cost compile time, so quick runs scale them down.
    public var sizeScale: Double = 1

    public init(seed: UInt64, corpus: [String]) {
        self.seed = seed
        self.corpusText = corpus
        self.corpus = corpus.map { Tokens.split($0) }
    }

    /// The next program of the stream.
    public mutating func nextProgram() -> String {
        defer { index += 1 }
        return program(at: index)
    }

    /// How a program was made.
    public enum Strategy: String, CaseIterable, Sendable {
        case tokens, bytes, truncation, splice, nesting, literals, generated, corpus
    }

    /// Program number `index` of this seed's stream.
    public func program(at index: Int) -> String {
        programAndStrategy(at: index).program
    }

    /// Program number `index` of this seed's stream, and how it was made.
    public func programAndStrategy(at index: Int) -> (program: String, strategy: Strategy) {
        var rng = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        _ = rng.next()
        if corpus.isEmpty {
            var generator = ProgramGenerator(rng: rng)
            return (generator.program(), .generated)
        }
        switch rng.weighted([38, 9, 5, 7, 12, 5, 20, 4]) {
        case 0: return (tokenMutants(&rng, count: rng.int(1, 4)), .tokens)
        case 1: return (byteMutant(&rng), .bytes)
        case 2: return (truncated(&rng), .truncation)
        case 3: return (spliced(&rng), .splice)
        case 4: return (deepNesting(&rng), .nesting)
        case 5: return (hugeLiterals(&rng), .literals)
        case 6:
            var generator = ProgramGenerator(rng: rng)
            let program = generator.program()
            rng = generator.rng
            // Now and then a generated program gets a token mutation too.
            if rng.chance(15) {
                var pieces = Tokens.split(program)
                mutateTokens(&pieces, &rng)
                return (join(pieces), .generated)
            }
            return (program, .generated)
        default:
            return (corpusText[rng.below(corpusText.count)], .corpus)
        }
    }

    // MARK: - Token mutations

    private func join(_ pieces: [Piece]) -> String {
        var s = ""
        for p in pieces { s += p.text }
        return s
    }

    private func tokenMutants(_ rng: inout SplitMix64, count: Int) -> String {
        var pieces = corpus[rng.below(corpus.count)]
        for _ in 0..<count { mutateTokens(&pieces, &rng) }
        return join(pieces)
    }

    /// A random significant piece's index, or nil when there is none.
    private func somePiece(_ pieces: [Piece], _ rng: inout SplitMix64) -> Int? {
        if pieces.isEmpty { return nil }
        for _ in 0..<8 {
            let i = rng.below(pieces.count)
            if pieces[i].isSignificant { return i }
        }
        return rng.below(pieces.count)
    }

    private func mutateTokens(_ pieces: inout [Piece], _ rng: inout SplitMix64) {
        guard let i = somePiece(pieces, &rng) else {
            pieces.append(Piece(text: rng.pick(Tokens.vocabulary), kind: .other))
            return
        }
        switch rng.weighted([20, 12, 14, 22, 10, 8, 6, 4, 4]) {
        case 0: // drop
            pieces.remove(at: i)
        case 1: // duplicate
            pieces.insert(pieces[i], at: i)
        case 2: // swap (often with a neighbour)
            let j: Int
            if rng.chance(50) {
                j = min(pieces.count - 1, max(0, i + rng.pick([-2, -1, 1, 2])))
            } else {
                j = somePiece(pieces, &rng) ?? i
            }
            pieces.swapAt(i, j)
        case 3: // insert from the vocabulary
            let t = rng.pick(Tokens.vocabulary)
            let spaced = rng.chance(60) ? " \(t) " : t
            pieces.insert(Piece(text: spaced, kind: .other), at: i)
        case 4: // replace a name with another name, or a number with another number
            let p = pieces[i]
            switch p.kind {
            case .name: pieces[i].text = rng.pick(rng.chance(50) ? Tokens.builtinNames : Tokens.names + Tokens.keywords)
            case .number: pieces[i].text = rng.pick(Tokens.numbers)
            case .string: pieces[i].text = rng.pick(Tokens.strings)
            case .op: pieces[i].text = rng.pick(Tokens.operators + Tokens.brackets)
            default: pieces[i].text = rng.pick(Tokens.vocabulary)
            }
        case 5: // re-indent a line
            if let j = rng.element(pieces.indices.filter({ pieces[$0].kind == .indent || pieces[$0].kind == .newline })) {
                let newIndent = rng.pick(["", " ", "   ", "    ", "        ", "\t", "    \t", "  \u{0C}"])
                if pieces[j].kind == .indent {
                    pieces[j].text = newIndent
                } else {
                    pieces.insert(Piece(text: newIndent, kind: .indent), at: j + 1)
                }
            }
        case 6: // drop or duplicate a whole line
            let newlines = pieces.indices.filter { pieces[$0].kind == .newline }
            if newlines.count >= 2 {
                let k = rng.below(newlines.count - 1)
                let line = Array(pieces[(newlines[k] + 1)...newlines[k + 1]])
                if rng.chance(50) {
                    pieces.removeSubrange((newlines[k] + 1)...newlines[k + 1])
                } else {
                    pieces.insert(contentsOf: line, at: newlines[k] + 1)
                }
            }
        case 7: // an odd character
            pieces.insert(Piece(text: rng.pick(Tokens.odd + Tokens.layout), kind: .other), at: i)
        default: // a deeply nested or long expression in place of a token
            pieces.insert(Piece(text: nestedExpression(&rng, maxDepth: 60), kind: .other), at: i)
        }
    }

    // MARK: - Byte mutations, truncation, splicing

    private func byteMutant(_ rng: inout SplitMix64) -> String {
        var bytes = Array(corpusText[rng.below(corpusText.count)].utf8)
        for _ in 0..<rng.int(1, 8) {
            let interesting: [UInt8] = [0, 0x80, 0xC0, 0xC3, 0xE2, 0xF0, 0xFF, 0xFE, 0x0A, 0x0D, 0x09,
                                        0x20, 0x22, 0x27, 0x5C, 0x7B, 0x7D, 0x28, 0x29, 0x5B, 0x5D, 0x23]
            let b = rng.chance(50) ? rng.pick(interesting) : UInt8(truncatingIfNeeded: rng.next())
            if bytes.isEmpty {
                bytes.append(b)
                continue
            }
            let i = rng.below(bytes.count)
            switch rng.below(4) {
            case 0: bytes[i] = b
            case 1: bytes.insert(b, at: i)
            case 2: bytes.remove(at: i)
            default: bytes[i] ^= UInt8(1) << UInt8(rng.below(8))
            }
        }
        // What the driver does with a file that is not UTF-8: invalid bytes become U+FFFD.
        return String(decoding: bytes, as: UTF8.self)
    }

    private func truncated(_ rng: inout SplitMix64) -> String {
        let text = corpusText[rng.below(corpusText.count)]
        if rng.chance(50) {
            let pieces = corpus[rng.below(corpus.count)]
            return join(Array(pieces.prefix(rng.int(0, pieces.count))))
        }
        let scalars = Array(text.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(rng.int(0, scalars.count)))
        return String(view)
    }

    private func spliced(_ rng: inout SplitMix64) -> String {
        func lines(_ s: String) -> [Substring] { s.split(separator: "\n", omittingEmptySubsequences: false) }
        let a = lines(corpusText[rng.below(corpusText.count)])
        let b = lines(corpusText[rng.below(corpusText.count)])
        let cutA = rng.int(0, a.count)
        let cutB = rng.int(0, b.count)
        var out = Array(a.prefix(cutA)) + Array(b.suffix(from: cutB))
        if rng.chance(30), !a.isEmpty {
            // A few lines of one program in the middle of the other.
            let start = rng.below(a.count)
            let slice = a[start..<min(a.count, start + rng.int(1, 5))]
            out.insert(contentsOf: slice, at: rng.int(0, out.count))
        }
        return out.joined(separator: "\n")
    }

    // MARK: - Deep nesting and long chains

    private func depth(_ rng: inout SplitMix64, _ lo: Int, _ hi: Int) -> Int {
        let d = rng.int(lo, hi)
        return max(1, Int(Double(d) * depthScale))
    }

    private func length(_ rng: inout SplitMix64, _ lo: Int, _ hi: Int) -> Int {
        let n = rng.int(lo, hi)
        return max(1, Int(Double(n) * sizeScale))
    }

    /// One deeply nested or very long expression.
    private func nestedExpression(_ rng: inout SplitMix64, maxDepth: Int = 400) -> String {
        let d = depth(&rng, min(50, maxDepth), maxDepth)
        let atom = rng.pick(["1", "x", "a", "1.5", "[1, 2]", "True", "''", "None", "zeros(2)"])
        switch rng.below(16) {
        case 0: return String(repeating: "(", count: d) + atom + String(repeating: ")", count: d)
        case 1: return String(repeating: "[", count: d) + atom + String(repeating: "]", count: d)
        case 2: // a random mix of openers, closed in reverse
            var open: [String] = []
            var s = ""
            for _ in 0..<d {
                let o = rng.pick(["(", "[", "-", "not ", "~", "+", "{'k': ", "abs(", "f(", "lambda: ", "x[", "1 if "])
                s += o
                open.append(o)
            }
            s += atom
            for o in open.reversed() {
                switch o {
                case "(", "abs(", "f(": s += ")"
                case "[", "x[": s += "]"
                case "{'k': ": s += "}"
                case "1 if ": s += " else 2"
                default: break
                }
            }
            return s
        case 3: return String(repeating: "-", count: d) + atom
        case 4: return String(repeating: "not ", count: d) + atom
        case 5: return String(repeating: "lambda: ", count: d) + atom
        case 6: return String(repeating: "abs(", count: d) + atom + String(repeating: ")", count: d)
        case 7: // a long chain of binary operators (a tall tree, not a deep nesting)
            let n = length(&rng, 100, 3000)
            let op = rng.pick(["+", "-", "*", "/", "and", "or", "<", "==", "@", "|", "&", "**", "if 1 else"])
            return Array(repeating: atom, count: n).joined(separator: " \(op) ")
        case 8: return atom + String(repeating: "**" + atom, count: d)
        case 9: return "x" + String(repeating: rng.pick([".T", "[0]", "()", ".shape", "[:]", ".sum()"]), count: d)
        case 10: return String(repeating: "1 if x else ", count: d) + atom
        case 11: return String(repeating: "f\"{", count: min(d, 30)) + atom + String(repeating: "}\"", count: min(d, 30))
        case 12: return String(repeating: "(", count: d) // unbalanced
        case 13: return String(repeating: ")", count: d) + String(repeating: "]", count: rng.int(0, 3))
        case 14: return "[" + Array(repeating: atom, count: length(&rng, 100, 5000)).joined(separator: ", ") + "]"
        default: return String(repeating: "(", count: d) + atom + String(repeating: ")", count: max(0, d - rng.int(-2, 2)))
        }
    }

    private func deepNesting(_ rng: inout SplitMix64) -> String {
        let d = depth(&rng, 50, 400)
        let program: String
        switch rng.below(10) {
        case 0, 1, 2:
            program = "x = 2.0\na = 1\nf = abs\ny = \(nestedExpression(&rng))\nprint(y)\n"
        case 3: // nested if blocks (or for/while/def)
            var s = "x = 1\n"
            for level in 0..<d {
                let header = rng.pick(["if True:", "if x:", "for i in range(1):", "while x:", "def f():", "if x > 0:", "else:"])
                s += String(repeating: " ", count: level) + header + "\n"
            }
            s += String(repeating: " ", count: d) + rng.pick(["x = 0", "pass", "print(x)", "break", "return 1"]) + "\n"
            program = s
        case 4: // one-line suites nested on one line (invalid past the first) and semicolon chains
            program = String(repeating: "if x: ", count: min(d, 100)) + "pass\n" + Array(repeating: "x = 1", count: length(&rng, 500, 4000)).joined(separator: "; ") + "\n"
        case 5: // deep recursion
            let body = rng.pick(["return f(n + 1)", "return f(n - 1) + f(n - 2)", "return g(n)", "return 1 + f(n)", "return grad(f)(n)"])
            program = "def f(n):\n    \(body)\ndef g(n):\n    return f(n + 1)\nprint(f(\(rng.pick(["0", "1.0", "x", "25"]))))\n"
        case 6: // many arguments, parameters or names
            let n = length(&rng, 200, 70_000)
            switch rng.below(4) {
            case 0: program = "print(" + Array(repeating: "1", count: n).joined(separator: ", ") + ")\n"
            case 1: program = "def f(" + (0..<min(n, 3000)).map { "p\($0)" }.joined(separator: ", ") + "):\n    return p0\nprint(f(1))\n"
            // Distinct constants: the compiler's constant table was quadratic (see Tests/fuzz-findings.md),
            // so these stay at a size that compiles in well under a second.
            case 2: program = (0..<length(&rng, 100, 2000)).map { "v\($0) = \($0).5" }.joined(separator: "\n") + "\nprint(v0)\n"
            default: program = "x = (" + (0..<length(&rng, 100, 2000)).map { "\($0)" }.joined(separator: ", ") + ")\nprint(len(x))\n"
            }
        case 7: // a long function body (far jumps)
            let n = length(&rng, 100, 5000)
            program = "def f(x):\n    while x < 3:\n" + String(repeating: "        x = x + 1\n", count: n) + "    return x\nprint(f(0))\n"
        case 8: // a deep nesting inside a corpus program
            var pieces = corpus[rng.below(corpus.count)]
            pieces.insert(Piece(text: nestedExpression(&rng), kind: .other), at: rng.int(0, pieces.count))
            program = join(pieces)
        default: // nested closures
            // (Nested functions cost the compiler's scope analysis about d² steps: 100 is deep enough.)
            var s = ""
            let n = min(d, 100)
            for level in 0..<n {
                s += String(repeating: "  ", count: level) + "def f\(level)(x):\n"
            }
            s += String(repeating: "  ", count: n) + "return x\n"
            program = s + "print(f0)\n"
        }
        return program
    }

    // MARK: - Huge literals

    private func hugeLiterals(_ rng: inout SplitMix64) -> String {
        let n = length(&rng, 20, 5000)
        let literal: String
        switch rng.below(10) {
        case 0: literal = "1" + String(repeating: "0", count: n)
        case 1: literal = "1" + String(repeating: "0", count: n) + ".5"
        case 2: literal = "0." + String(repeating: "0", count: n) + "1"
        case 3: literal = "1e" + String(repeating: "9", count: min(n, 40))
        case 4: literal = "1e-" + String(repeating: "9", count: min(n, 40))
        case 5: literal = "\"" + String(repeating: "ab", count: n * 20) + "\""
        case 6: literal = String(repeating: "x", count: n)
        case 7: literal = String(repeating: "1_", count: n) + "1"
        case 8: literal = "f\"" + String(repeating: "{x}", count: n) + "\""
        default: literal = rng.pick(Tokens.numbers)
        }
        let use = rng.pick(["x = \(literal)\nprint(x)\n", "print(\(literal) + 1)\n", "zeros(\(literal))\n",
                            "x = arange(3)\nprint(x[\(literal)])\n", "print(-\(literal) * 2)\n",
                            "range(\(literal))\n", "print(int(\(literal)), float(\(literal)))\n"])
        if rng.chance(30) {
            var pieces = corpus[rng.below(corpus.count)]
            let numbers = pieces.indices.filter { pieces[$0].kind == .number }
            if let i = rng.element(numbers) {
                pieces[i].text = literal
                return join(pieces)
            }
        }
        return use
    }
}


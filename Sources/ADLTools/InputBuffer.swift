// Gathers the REPL's lines into complete inputs, with Python's REPL rules:
// - a simple statement runs as soon as its line is complete (an open bracket,
//   a trailing `\` or an unterminated triple-quoted string reads on);
// - a compound statement (`def`, `if`, `for`, `while`) reads on until a blank line;
// - pasted text arrives as several lines at once: a blank line inside it ends a
//   block only when the next pasted line is not indented, so a pasted function
//   with blank lines in its body stays whole, and a chunk that is complete when
//   it ends runs without waiting for another blank line (a multi-line entry
//   recalled from history runs with one Enter).

import ADL

struct InputBuffer {
    /// The lines of the input being gathered.
    private(set) var lines: [String] = []

    var isEmpty: Bool { lines.isEmpty }

    /// The words that start a compound statement: its input ends with a blank line.
    static let compoundKeywords: Set<String> = ["def", "if", "for", "while"]

    mutating func reset() { lines.removeAll() }

    /// Adds one line; returns the complete input when this line ends it.
    /// `nextPastedLine` is the line that follows in the same pasted chunk, if any.
    mutating func add(_ line: String, nextPastedLine: String? = nil) -> String? {
        let blank = line.trimmed.isEmpty
        if lines.isEmpty && blank { return nil }
        let compound = isCompound(lines.first ?? line)
        if blank && compound && !lines.isEmpty {
            if let next = nextPastedLine, next.first == " " || next.first == "\t" || next.trimmed.isEmpty {
                lines.append(line)
                return nil
            }
            return take()
        }
        lines.append(line)
        if Parser.isIncomplete(text) || compound { return nil }
        return take()
    }

    /// The end of a pasted or recalled chunk: runs what was gathered if it is a
    /// complete statement (nil when it needs more lines).
    mutating func endOfChunk() -> String? {
        guard !lines.isEmpty, !Parser.isIncomplete(text) else { return nil }
        return take()
    }

    /// The lines gathered so far, joined.
    var text: String { lines.joined(separator: "\n") }

    /// Empties the buffer, returning its text without trailing blank lines.
    private mutating func take() -> String {
        while let last = lines.last, last.trimmed.isEmpty { lines.removeLast() }
        let out = text
        lines.removeAll()
        return out
    }

    /// Whether `firstLine` starts a compound statement (its block may go on until a blank line).
    func isCompound(_ firstLine: String) -> Bool {
        guard firstLine.first != " ", firstLine.first != "\t" else { return false }
        let word = firstLine.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return Self.compoundKeywords.contains(String(word))
    }
}

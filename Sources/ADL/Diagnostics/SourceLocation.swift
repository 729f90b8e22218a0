// Source files and positions. Every AST node and every bytecode instruction
// carries a `SourceLocation`; the `SourceFile` it belongs to is kept once per
// parse (AST) or per chunk (bytecode), never per node.

/// A 1-based line and column in a source file. Columns count Unicode scalars.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int32
    public var column: Int32

    public init(line: Int, column: Int) {
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
    }

    /// A location for synthesised code with no place in the source.
    public static let unknown = SourceLocation(line: 0, column: 0)

    public var description: String { "\(line):\(column)" }
}

/// The text of one program, named as the user named it ("model.adl", "<stdin>", "<string>").
public final class SourceFile: @unchecked Sendable {
    public let name: String
    public let text: String
    /// The lines of `text` without their terminators, for quoting in diagnostics.
    public let lines: [String]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        var lines: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                lines.append(current)
                current = ""
            } else if scalar != "\r" {
                current.unicodeScalars.append(scalar)
            }
        }
        lines.append(current)
        self.lines = lines
    }

    /// The text of 1-based line `line`, or nil when out of range.
    public func line(_ line: Int) -> String? {
        guard line >= 1, line <= lines.count else { return nil }
        return lines[line - 1]
    }
}

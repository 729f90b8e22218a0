// Colour for people at a terminal: the REPL's prompts and the error
// diagnostics. Colour is used only when the stream it goes to is a terminal,
// `NO_COLOR` is unset or empty (https://no-color.org) and `TERM` is not `dumb`;
// piped and redirected output never carries escape codes, so golden tests and
// scripts see plain text.

import ADL

public enum Terminal {
    /// Whether text written to `fd` may carry ANSI colour codes.
    public static func colourEnabled(for fd: Int32) -> Bool {
        colourAllowed(noColor: System.environment("NO_COLOR"), term: System.environment("TERM"),
                      isTerminal: System.isTerminal(fd))
    }

    /// The decision itself, without the environment (for tests).
    static func colourAllowed(noColor: String?, term: String?, isTerminal: Bool) -> Bool {
        if let noColor, !noColor.isEmpty { return false }
        if term == "dumb" { return false }
        return isTerminal
    }

    static let reset = "\u{1B}[0m"
    static let boldRed = "\u{1B}[1;31m"
    static let bold = "\u{1B}[1m"
    static let blue = "\u{1B}[34m"
    static let boldGreen = "\u{1B}[1;32m"
    static let boldYellow = "\u{1B}[1;33m"

    /// A readline prompt in colour. The escape sequences sit between \001 and \002
    /// so readline knows they take no room on the screen (or the cursor drifts).
    static func readlinePrompt(_ prompt: String, colour: String) -> String {
        "\u{1}\(colour)\u{2}\(prompt)\u{1}\(reset)\u{2}"
    }

    /// A rendered diagnostic (DiagnosticRenderer's layout) with colour: `error:` and
    /// the caret in red, the message in bold, the gutter and `-->` in blue.
    public static func colourDiagnostic(_ text: String) -> String {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("error: ") {
                out.append(boldRed + "error:" + reset + bold + line.dropFirst(6) + reset)
            } else if line.hasPrefix("  --> ") {
                out.append("  " + blue + "-->" + reset + line.dropFirst(5))
            } else if let bar = gutterEnd(line) {
                let gutter = line[..<bar], rest = line[bar...].dropFirst()
                let isCaretLine = !rest.isEmpty && rest.allSatisfy { $0 == " " || $0 == "\t" || $0 == "^" }
                    && rest.contains("^")
                out.append(blue + gutter + "|" + reset + (isCaretLine ? boldRed + rest + reset : String(rest)))
            } else {
                out.append(String(line))
            }
        }
        return out.joined(separator: "\n")
    }

    /// Where the `|` of a gutter (` 12 | text`, `    |`) is, or nil for other lines.
    private static func gutterEnd(_ line: Substring) -> Substring.Index? {
        guard let bar = line.firstIndex(of: "|") else { return nil }
        let gutter = line[..<bar]
        guard gutter.hasPrefix(" "), gutter.hasSuffix(" ") else { return nil }
        return gutter.allSatisfy { $0 == " " || $0.isNumber } ? bar : nil
    }
}

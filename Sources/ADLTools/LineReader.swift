// Where the REPL's lines come from: GNU readline when standard input is a
// terminal (editing, history, completion), plain reading otherwise (readline
// would echo piped input and take its tabs for completion requests).

import ADL

/// One read from the user.
enum ReadResult: Equatable {
    /// A line (several lines when text was pasted or a multi-line entry recalled).
    /// `interrupted`: Ctrl-C was pressed while it was being typed, so the input
    /// gathered before it is abandoned.
    case line(String, interrupted: Bool)
    /// End of input (Ctrl-D on an empty line).
    case endOfInput
}

/// A source of REPL lines.
protocol LineReader: AnyObject {
    /// Shows the primary or the continuation prompt (unless the reader is silent) and reads one line.
    func read(primary: Bool) -> ReadResult
    /// Records one complete input in the history.
    func addHistory(_ entry: String)
}

/// Reads lines with the standard library; prompts only when asked to.
final class PlainLineReader: LineReader {
    let showsPrompts: Bool

    init(showsPrompts: Bool) { self.showsPrompts = showsPrompts }

    func read(primary: Bool) -> ReadResult {
        if showsPrompts {
            System.writeStandardOutput(primary ? REPL.primaryPrompt : REPL.continuationPrompt)
        }
        System.flush()
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        let interrupted = interruptRequested.exchange(false, ordering: .relaxed)
        return .line(line, interrupted: interrupted)
    }

    func addHistory(_ entry: String) {}
}

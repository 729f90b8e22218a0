// The GNU readline glue: prompts, history (one entry per complete input, a
// multi-line block recalled as one entry), Tab completion (the logic is the pure
// `Completer`; this file only moves text between it and readline), and Ctrl-C
// at the prompt (clears the line and abandons the block being typed).
//
// Readline is opened when the REPL starts (ReadlineLibrary.swift). It calls back
// through C function pointers, which cannot capture, so the state they need
// lives in `ReadlineState`'s static variables; there is one readline per
// process, as there is one terminal.

@preconcurrency import CReadline
@preconcurrency import Glibc
import ADL

/// State shared with readline's C callbacks.
enum ReadlineState {
    /// The opened library (nil until a ReadlineLineReader opens it).
    nonisolated(unsafe) static var library: ReadlineLibrary?
    /// Computes completions for the text before the cursor (set by the REPL).
    nonisolated(unsafe) static var completer: ((_ precedingLines: [String], _ line: String) -> Completion)?
    /// The lines of the block being typed, before the current one (context for completion).
    nonisolated(unsafe) static var precedingLines: [String] = []
    /// The completion worked out for the current Tab (by the word-break hook).
    nonisolated(unsafe) static var pending: Completion?
    /// The word-break characters handed to readline for the current Tab (kept alive here).
    nonisolated(unsafe) static var breakCharacters: UnsafeMutablePointer<CChar>?
    /// Set when Ctrl-C cleared the line during the current `readline()` call.
    nonisolated(unsafe) static var interrupted = false
    /// The primary prompt, shown again after Ctrl-C.
    nonisolated(unsafe) static var primaryPrompt: UnsafeMutablePointer<CChar>?
}

/// The history file's path: `ADL_HISTORY` (empty: no file), else `~/.adl_history`;
/// nil without a home folder.
enum HistoryFile {
    static let maxEntries: Int32 = 1000

    /// `input` with a space before any line that reads like a `#<digits>` timestamp
    /// line of the history file (a comment such as `#1 ...`), which would otherwise
    /// split the entry when the file is read back. Comments may be indented freely.
    static func escapingTimestampLines(_ input: String) -> String {
        input.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.first == "#" && line.dropFirst().first?.isNumber == true ? " " + line : line
        }.joined(separator: "\n")
    }

    static func path(environment: (String) -> String?) -> String? {
        if let explicit = environment("ADL_HISTORY") { return explicit.isEmpty ? nil : explicit }
        guard var home = environment("HOME"), !home.isEmpty else { return nil }
        while home.count > 1 && home.hasSuffix("/") { home.removeLast() }
        return (home == "/" ? "" : home) + "/.adl_history"
    }
}

/// Reads lines with GNU readline (standard input is a terminal).
final class ReadlineLineReader: LineReader {
    let rl: ReadlineLibrary
    let historyPath: String?
    let prompts: (primary: String, continuation: String)
    private var lastEntry: String?
    private var historyWritable = false

    /// nil when libreadline cannot be opened (the REPL then reads plainly).
    init?(historyPath: String?, colour: Bool, completer: @escaping ([String], String) -> Completion) {
        guard let library = ReadlineState.library ?? ReadlineLibrary.open() else { return nil }
        ReadlineState.library = library
        rl = library
        self.historyPath = historyPath
        prompts = colour
            ? (Terminal.readlinePrompt(REPL.primaryPrompt, colour: Terminal.boldGreen),
               Terminal.readlinePrompt(REPL.continuationPrompt, colour: Terminal.boldYellow))
            : (REPL.primaryPrompt, REPL.continuationPrompt)
        ReadlineState.completer = completer
        free(ReadlineState.primaryPrompt)
        ReadlineState.primaryPrompt = strdup(prompts.primary)
        configureReadline()
        loadHistory()
    }

    deinit {
        if let historyPath, historyWritable { _ = rl.truncateHistoryFile(historyPath, HistoryFile.maxEntries) }
    }

    func read(primary: Bool) -> ReadResult {
        System.flush()
        ReadlineState.interrupted = false
        let raw = rl.readline(primary ? prompts.primary : prompts.continuation)
        // Ctrl-C pressed during the read: the hook below cleared the line; the flag
        // it left must not interrupt the input that runs next.
        let interrupted = ReadlineState.interrupted || interruptRequested.exchange(false, ordering: .relaxed)
        guard let raw else { return .endOfInput }
        defer { free(raw) }
        return .line(String(cString: raw), interrupted: interrupted)
    }

    func addHistory(_ input: String) {
        let entry = HistoryFile.escapingTimestampLines(input)
        guard !entry.trimmed.isEmpty, entry != lastEntry else { return }
        lastEntry = entry
        rl.addHistory(entry)
        if let historyPath, historyWritable {
            _ = rl.appendHistory(1, historyPath)
        }
    }

    // MARK: - Setup

    private func configureReadline() {
        rl.readlineName.pointee = UnsafePointer(strdup("adl"))
        rl.catchSignals.pointee = 1
        // Prompts and editing go where the user looks; with stdout redirected, that is stderr.
        if !System.isTerminal(1) { rl.outStream.pointee = stderr }
        rl.completionAppendCharacter.pointee = 0
        rl.completerQuoteCharacters.pointee = nil
        // Ctrl-C is noticed where readline's read was interrupted (the signal hook) and,
        // since a signal can also land while readline is busy elsewhere, by the event
        // hook that readline calls every 0.1 s while it waits for a key.
        rl.signalEventHook.pointee = { readlineSignalEvent() }
        rl.eventHook.pointee = { readlineSignalEvent() }
        rl.completionWordBreakHook.pointee = { readlineWordBreaks() }
        rl.attemptedCompletionFunction.pointee = { _, _, _ in readlineMatches() }
        _ = rl.bindKey(9, readlineTab)
    }

    /// Reads the history file. Multi-line entries survive the round trip because
    /// each entry is written after a `#<time>` line, and readline joins the lines
    /// between two such lines into one entry (`history_multiline_entries`).
    private func loadHistory() {
        rl.historyCommentChar.pointee = CChar(UInt8(ascii: "#"))
        rl.historyWriteTimestamps.pointee = 1
        rl.historyMultilineEntries.pointee = 1
        rl.stifleHistory(HistoryFile.maxEntries)
        guard let historyPath else { return }
        _ = rl.readHistory(historyPath)
        // append_history needs an existing file; a folder we cannot write to is not an error.
        let fd = open(historyPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
            historyWritable = true
        }
        let count = rl.historyLength.pointee
        if count > 0, let last = rl.historyGet(rl.historyBase.pointee + count - 1), let line = last.pointee.line {
            lastEntry = String(cString: line)
        }
    }
}

// MARK: - C callbacks

/// Ctrl-C while reading: clear the line, abandon the block, show the primary prompt.
private func readlineSignalEvent() -> Int32 {
    guard let rl = ReadlineState.library, interruptRequested.exchange(false, ordering: .relaxed) else { return 0 }
    ReadlineState.interrupted = true
    ReadlineState.precedingLines = []
    rl.freeLineState()
    rl.replaceLine("", 0)
    _ = rl.crlf()
    if let prompt = ReadlineState.primaryPrompt { _ = rl.setPrompt(prompt) }
    _ = rl.onNewLine()
    rl.redisplay()
    return 0
}

/// The text of the current line before the cursor.
private func textBeforeCursor() -> String {
    guard let rl = ReadlineState.library, let buffer = rl.lineBuffer.pointee else { return "" }
    let count = max(0, Int(rl.point.pointee))
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: count)
    return String(decoding: bytes, as: UTF8.self)
}

/// Tab: indentation at the start of a line (tabs are errors in ADL), completion
/// elsewhere; a second Tab in a row lists the candidates, as readline's own Tab does.
private func readlineTab(_ count: Int32, _ key: Int32) -> Int32 {
    guard let rl = ReadlineState.library else { return 0 }
    let before = textBeforeCursor()
    if before.allSatisfy({ $0 == " " }) && !(ReadlineState.precedingLines.isEmpty && before.isEmpty) {
        let width = 4 - before.count % 4
        _ = rl.insertText(String(repeating: " ", count: width))
        return 0
    }
    return rl.completeInternal(rl.completionMode(readlineTab))
}

/// Works out the completion and tells readline where its word starts: the break
/// characters are just the character before that start, which the word never holds.
private func readlineWordBreaks() -> UnsafeMutablePointer<CChar>? {
    let line = textBeforeCursor()
    let completion = ReadlineState.completer?(ReadlineState.precedingLines, line) ?? Completion(replacing: "", with: [])
    ReadlineState.pending = completion
    let start = line.utf8.count - completion.replaced.utf8.count
    var breaks = "\n"
    if start > 0, let buffer = ReadlineState.library?.lineBuffer.pointee {
        breaks = String(decoding: [UInt8(bitPattern: buffer[start - 1])], as: UTF8.self)
    }
    free(ReadlineState.breakCharacters)
    ReadlineState.breakCharacters = strdup(breaks)
    return ReadlineState.breakCharacters
}

/// The candidates in readline's layout: the common prefix first, then each match,
/// then NULL, every string malloc'ed (readline frees them).
private func readlineMatches() -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    ReadlineState.library?.attemptedCompletionOver.pointee = 1
    guard let completion = ReadlineState.pending, !completion.candidates.isEmpty else { return nil }
    ReadlineState.pending = nil
    let candidates = completion.candidates
    let entries = candidates.count == 1 ? candidates : [Completion.commonPrefix(candidates)] + candidates
    guard let matches = malloc((entries.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
        .assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self) else { return nil }
    for (i, entry) in entries.enumerated() { matches[i] = strdup(entry) }
    matches[entries.count] = nil
    return matches
}

// Command lines: an unindented line `grad NAME ...` or `:WORD ...` in any program
// (REPL, stdin, -c, files) is not Python code but a command. The lexer reads the
// line raw, the compiler turns it into RUN_COMMAND, and the VM hands it to the
// handler registered under its name in `vm.commands`, in program order, so a
// command sees every definition made above it.
//
// Handlers: the library registers `grad` (the symbolic gradient printer); the
// command-line tools register the `:` commands of the REPL. A name with no handler
// is an error listing the commands there are.

/// One command line as the user wrote it.
public struct Command: Sendable {
    /// `grad`, `:help`, ...
    public var name: String
    /// The rest of the line after the name, trimmed, without a trailing comment.
    public var argument: String
    /// Where the command starts (its first column).
    public var location: SourceLocation
    public var file: SourceFile?

    public init(name: String, argument: String, location: SourceLocation, file: SourceFile?) {
        self.name = name
        self.argument = argument
        self.location = location
        self.file = file
    }

    /// Where the argument starts on the command's line, for errors that point into it.
    public var argumentLocation: SourceLocation {
        guard !argument.isEmpty, let text = file?.line(Int(location.line)),
              let offset = text.unicodeScalars.indexOffset(of: argument.unicodeScalars, from: name.unicodeScalars.count)
        else { return location }
        return SourceLocation(line: Int(location.line), column: Int(location.column) + offset)
    }

    /// The location `offset` scalars into the argument.
    public func location(inArgument offset: Int) -> SourceLocation {
        let start = argumentLocation
        return SourceLocation(line: Int(start.line), column: Int(start.column) + offset)
    }

    /// An error located at the command (or `offset` scalars into its argument).
    public func error(_ kind: ErrorKind, _ message: String, atArgumentOffset offset: Int? = nil) -> ADLError {
        ADLError(kind, message, at: offset.map { location(inArgument: $0) } ?? location, in: file)
    }
}

/// Runs one command; prints through `vm.write`; throws an `ADLError` for bad input.
public typealias CommandHandler = (VM, Command) throws -> Void

extension VM {
    /// Runs `command` with its registered handler.
    public func runCommand(_ command: Command) throws {
        guard let handler = commands[command.name] else {
            let known = commands.keys.sorted { ($0.hasPrefix(":") ? 1 : 0, $0) < ($1.hasPrefix(":") ? 1 : 0, $1) }
            var error = command.error(.name, "unknown command '\(command.name)'")
            let describedBy = known.contains(":help") ? " (:help describes them)" : ""
            error.notes.append(known.isEmpty ? "no commands are available here"
                                             : "commands: " + known.joined(separator: ", ") + describedBy)
            if let s = Suggestions.closest(to: command.name, among: known) { error.notes.insert("did you mean '\(s)'?", at: 0) }
            throw error
        }
        try handler(self, command)
    }
}

extension String.UnicodeScalarView {
    /// The offset of the first occurrence of `needle` at or after offset `start`, or nil.
    func indexOffset(of needle: String.UnicodeScalarView, from start: Int) -> Int? {
        let hay = Array(self), pattern = Array(needle)
        guard !pattern.isEmpty, hay.count >= pattern.count, start <= hay.count - pattern.count else { return nil }
        for i in start...(hay.count - pattern.count) where hay[i..<(i + pattern.count)].elementsEqual(pattern) {
            return i
        }
        return nil
    }
}

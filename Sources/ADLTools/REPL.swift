// The interactive loop (SPEC §12). Lines come from readline at a terminal and
// from plain reading otherwise (LineReader.swift); InputBuffer gathers them
// into complete inputs with Python's REPL rules; each input is compiled and run
// in the same VM session, so definitions survive errors and interrupts.
//
// Each input is its own source file named `<stdin>`, numbered from line 1 as
// Python's REPL numbers them, so an error's caret sits under the line just
// typed. Expression statements echo their repr, and `_` holds the last value
// echoed (REPL only).

import ADL

public final class REPL {
    static let primaryPrompt = ">>> "
    static let continuationPrompt = "... "

    let vm: VM

    public init(vm: VM) { self.vm = vm }

    /// Runs until end of input or `:quit`; returns the exit status (0).
    public func run() -> Int32 {
        let terminal = System.isTerminal(0)
        var reader: LineReader = PlainLineReader(showsPrompts: terminal)
        if terminal {
            let session = vm
            reader = ReadlineLineReader(
                historyPath: HistoryFile.path(environment: System.environment),
                colour: Terminal.colourEnabled(for: System.isTerminal(1) ? 1 : 2),
                completer: { lines, line in
                    Completer.complete(line, precedingLines: lines, in: CompletionContext.session(session))
                }) ?? reader
            // The banner goes where the prompts go (stderr when stdout is redirected).
            let banner = "ADL \(Driver.version): NumPy-flavoured, differentiable. :help for help, Ctrl-D to exit.\n"
            if System.isTerminal(1) { System.writeStandardOutput(banner) } else { System.writeStandardError(banner) }
        }
        let underscore = vm.globals.slot(for: "_")
        vm.echoed = { [unowned vm] value in vm.globals[underscore] = value }
        defer { vm.echoed = nil }

        var buffer = InputBuffer()
        while true {
            ReadlineState.precedingLines = buffer.lines
            switch reader.read(primary: buffer.isEmpty) {
            case .endOfInput:
                // (readline has already moved to a new line after Ctrl-D.)
                if let pending = buffer.endOfChunk() ?? (buffer.isEmpty ? nil : buffer.text) {
                    reader.addHistory(pending)
                    _ = execute(pending)
                }
                System.flush()
                return 0
            case .line(let text, let interrupted):
                if interrupted { buffer.reset() }
                if buffer.isEmpty, ["quit()", "exit()"].contains(text.trimmed) { return 0 }
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                    $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
                }
                for (index, line) in lines.enumerated() {
                    let next = index + 1 < lines.count ? lines[index + 1] : nil
                    if let input = buffer.add(line, nextPastedLine: next) {
                        reader.addHistory(input)
                        if execute(input) { return 0 }
                    }
                }
                // A pasted or recalled chunk that is complete runs without another Enter.
                if lines.count > 1, let input = buffer.endOfChunk() {
                    reader.addHistory(input)
                    if execute(input) { return 0 }
                }
            }
        }
    }

    /// Runs one input; true when it asked to quit.
    private func execute(_ text: String) -> Bool {
        // A Ctrl-C pressed at the prompt must not stop this input at its first loop.
        interruptRequested.store(false, ordering: .relaxed)
        defer { System.flush() }
        do {
            try vm.run(source: SourceFile(name: "<stdin>", text: text), echo: true)
        } catch is QuitRequest {
            return true
        } catch var error as ADLError {
            if error.kind == .interrupt {
                error.message = "KeyboardInterrupt"
                // The terminal echoed ^C where the cursor was: start the message on a line of its own.
                if System.isTerminal(0) { System.writeStandardError("\n") }
            }
            Driver.report(error)
        } catch {
            Driver.report(error)
        }
        return false
    }
}

extension CompletionContext {
    /// What the completer knows about `vm`'s session right now.
    static func session(_ vm: VM) -> CompletionContext {
        var globals: [String: Value] = [:]
        for name in vm.globals.definedNames { globals[name] = vm.globals.value(of: name) }
        return CompletionContext(
            globals: globals,
            builtinNames: vm.builtins.names,
            moduleAliases: vm.globals.moduleAliases,
            commands: Array(vm.commands.keys),
            arrayAttributes: ["T", "shape", "ndim", "size", "dtype"] + vm.builtins.arrayMethods.keys,
            signature: { Docs.entry($0)?.signature },
            helpTopics: Docs.all.map(\.name),
            listDirectory: Directory.entries)
    }
}

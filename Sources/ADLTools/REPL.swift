// The interactive loop. Until the REPL issue brings readline, lines are read
// plainly; blocks continue with a `...` prompt until an empty line.
// Definitions survive errors: each input runs in the same VM session.

import ADL

public final class REPL {
    let vm: VM

    public init(vm: VM) { self.vm = vm }

    /// Runs until end of input; returns the exit status.
    public func run() -> Int32 {
        let interactive = System.isTerminal(0)
        if interactive { print("ADL \(Driver.version) — NumPy-flavoured, differentiable. Ctrl-D exits.") }
        var buffer: [String] = []
        var counter = 0
        while true {
            if interactive {
                print(buffer.isEmpty ? ">>> " : "... ", terminator: "")
                System.flush()
            }
            guard let line = readLine(strippingNewline: true) else {
                if !buffer.isEmpty { execute(buffer.joined(separator: "\n"), &counter) }
                if interactive { print("") }
                return 0
            }
            if interrupted() { buffer.removeAll(); continue }
            if buffer.isEmpty {
                let trimmed = line.trimmed
                if trimmed.isEmpty { continue }
                if trimmed == ":quit" || trimmed == "quit()" || trimmed == "exit()" { return 0 }
            }
            buffer.append(line)
            let text = buffer.joined(separator: "\n")
            if needsMore(text, lastLine: line, lines: buffer.count) { continue }
            execute(text, &counter)
            buffer.removeAll()
        }
    }

    private func interrupted() -> Bool {
        if interruptRequested.load(ordering: .relaxed) {
            interruptRequested.store(false, ordering: .relaxed)
            return true
        }
        return false
    }

    /// True when the input so far is an unfinished block or bracket.
    private func needsMore(_ text: String, lastLine: String, lines: Int) -> Bool {
        let first = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let opensBlock = first.trimmed.hasSuffix(":")
        if opensBlock {
            return !lastLine.trimmed.isEmpty
        }
        return Parser.isIncomplete(text)
    }

    private func execute(_ text: String, _ counter: inout Int) {
        counter += 1
        do {
            try vm.run(source: SourceFile(name: "<stdin>", text: text), echo: true)
        } catch {
            Driver.report(error)
        }
        System.flush()
    }
}

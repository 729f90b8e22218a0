// ADL code built around a command's argument (`dis(ARG)` for `:dis ARG`, a
// timing loop for `:time ARG`), compiled in the session. Errors inside it are
// moved onto the command line, so the caret points into what the user typed,
// and the wrapper's own frames leave the call trace.

import ADL

struct CommandCode {
    let command: Command
    /// The wrapped source: `before + argument + after`, named as the command's file.
    let file: SourceFile
    /// Where the argument starts in `file` (1-based line and column).
    let argumentLine: Int
    let argumentColumn: Int

    /// The name of the wrapper function `:time` defines around its loop.
    static let timerName = "__adl_timed"

    init(_ command: Command, before: String = "", after: String = "") {
        self.command = command
        file = SourceFile(name: command.file?.name ?? "<command>", text: before + command.argument + after)
        let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
        argumentLine = lines.count
        argumentColumn = (lines.last?.unicodeScalars.count ?? 0) + 1
    }

    /// The compiled module (its top-level code).
    func compile(_ vm: VM) throws -> FunctionProto {
        do {
            let program = try Parser.parse(file)
            return try Compiler(globals: vm.globals, builtins: vm.builtins, file: file, echo: false).compile(program)
        } catch let error as ADLError {
            throw relocate(error)
        }
    }

    /// Runs the module once.
    func run(_ vm: VM, _ module: FunctionProto) throws {
        do {
            _ = try vm.run(module)
        } catch let error as ADLError {
            throw relocate(error)
        }
    }

    /// Calls `callee` (a function compiled from this code) with `arguments`.
    func call(_ vm: VM, _ callee: Value, _ arguments: [Value]) throws {
        do {
            _ = try vm.call(callee, Arguments(arguments))
        } catch let error as ADLError {
            throw relocate(error)
        }
    }

    /// `error` located on the command line when it happened in the wrapped code,
    /// without the wrapper's frames (`<module>` and the timer) in its trace.
    func relocate(_ error: ADLError) -> ADLError {
        var error = error
        if error.file === file, let at = error.location {
            let offset = Int(at.column) - argumentColumn
            error.location = Int(at.line) == argumentLine && offset >= 0
                ? command.location(inArgument: offset) : command.argumentLocation
            error.file = command.file
        }
        var trace: [TraceEntry] = []
        for entry in error.trace {
            guard entry.file == file.name, entry.function == "<module>" || entry.function == Self.timerName else {
                trace.append(entry)
                continue
            }
            // The wrapper called the entry before it: that call happened on the command's line.
            if !trace.isEmpty { trace[trace.count - 1].calledFrom = entry.calledFrom }
        }
        error.trace = trace
        return error
    }
}

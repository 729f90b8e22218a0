// The `:` commands of SPEC §12 (`:help`, `:dis`, `:time`, `:vars`, `:load`,
// `:quit`), registered as handlers in `vm.commands` for every mode, so a
// program piped to stdin may use them as the REPL does. (`grad f ...` is
// registered by the library's gradient printer; it only appears here in the
// help text.) Each handler prints through `vm.write` and reports bad input as
// an `ADLError` located on the command line.

import ADL

/// `:quit`: stops the session; the driver exits with status 0.
public struct QuitRequest: Error {}

public enum SessionCommands {
    /// One command for the help text: how it is written and what it does.
    struct Entry {
        let name: String
        let usage: String
        let summary: String
    }

    /// Every command, in the order `:help` lists them.
    static let entries: [Entry] = [
        Entry(name: "grad", usage: "grad f [wrt x] [at EXPR, ...]",
              summary: "print the partial derivatives of f as simplified ADL expressions (SPEC §9)"),
        Entry(name: ":help", usage: ":help [name]",
              summary: "the doc and an example for a builtin or command; alone, the list of topics"),
        Entry(name: ":dis", usage: ":dis f",
              summary: "the bytecode of a function; `:dis grad(f), x` the gradient compiled for x's shape"),
        Entry(name: ":time", usage: ":time EXPR",
              summary: "run EXPR repeatedly and print the best and median time per run"),
        Entry(name: ":vars", usage: ":vars", summary: "the names defined in the session, with type and shape or value"),
        Entry(name: ":load", usage: ":load FILE", summary: "run a file in the session, keeping its definitions"),
        Entry(name: ":quit", usage: ":quit", summary: "leave (as Ctrl-D does)"),
    ]

    /// Registers the `:` commands in `vm`. Names defined now (builtins, constants,
    /// `argv`) are the baseline that `:vars` leaves out unless they are reassigned.
    public static func register(in vm: VM) {
        var baseline: [String: Value] = [:]
        for name in vm.globals.definedNames { baseline[name] = vm.globals.value(of: name) }
        vm.commands[":help"] = { vm, command in try help(vm, command) }
        vm.commands[":dis"] = { vm, command in
            guard !command.argument.isEmpty else { throw command.error(.argument, "usage: :dis f, or :dis grad(f), x") }
            let code = CommandCode(command, before: "dis(", after: ")")
            try code.run(vm, try code.compile(vm))
        }
        vm.commands[":time"] = { vm, command in try time(vm, command) }
        vm.commands[":vars"] = { vm, command in
            try noArgument(command)
            vm.write(variables(vm, baseline: baseline))
        }
        vm.commands[":load"] = { vm, command in try load(vm, command) }
        vm.commands[":quit"] = { _, command in
            try noArgument(command)
            throw QuitRequest()
        }
    }

    static func noArgument(_ command: Command) throws {
        if !command.argument.isEmpty {
            throw command.error(.argument, "'\(command.name)' takes no argument", atArgumentOffset: 0)
        }
    }

    // MARK: - :help

    /// The command list that `:help` shows above the builtins.
    static var commandSummary: String {
        let width = entries.map(\.usage.count).max() ?? 0
        return "Commands (a line starting with the word):\n" + entries.map {
            "  " + $0.usage + String(repeating: " ", count: width - $0.usage.count + 2) + $0.summary
        }.joined(separator: "\n") + "\n"
    }

    static func help(_ vm: VM, _ command: Command) throws {
        let name = command.argument
        if name.isEmpty {
            vm.write(commandSummary + "\n")
            try callBuiltin(vm, "help", [])
            return
        }
        if name.hasPrefix(":") {
            guard let entry = entries.first(where: { $0.name == name }) else {
                var error = command.error(.name, "no command '\(name)'", atArgumentOffset: 0)
                error.notes.append("commands: " + entries.map(\.name).joined(separator: ", "))
                throw error
            }
            vm.write("\(entry.usage)\n\n\(entry.summary).\n")
            return
        }
        switch vm.globals.value(of: name) {
        case .function(let f)?:
            vm.write("\(signature(f)): a function defined in ADL\n")
            return
        case .builtin?, nil:
            break
        case let value?:
            // A variable: what :vars says of it.
            vm.write("\(name): \(typeName(value)) \(detail(value))\n")
            return
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
            throw command.error(.argument, "usage: :help [name] (a builtin, a command or a defined name)", atArgumentOffset: 0)
        }
        try callBuiltin(vm, "help", [.string(name)])
        if name == "grad", let entry = entries.first {
            vm.write("\nThe command `\(entry.usage)` prints the gradient itself: \(entry.summary).\n")
        }
    }

    static func callBuiltin(_ vm: VM, _ name: String, _ arguments: [Value]) throws {
        guard let builtin = vm.builtins.function(named: name) else { return }
        _ = try vm.call(.builtin(builtin), Arguments(arguments))
    }

    /// `f(x, y=2)`: a user function's name and parameters with their defaults.
    static func signature(_ f: FunctionObject) -> String {
        let params = f.proto.parameters
        let firstDefault = params.count - f.defaults.count
        let parts = params.enumerated().map { i, p in
            i >= firstDefault ? p + "=" + Formatting.repr(f.defaults[i - firstDefault]) : p
        }
        return "\(f.proto.name)(\(parts.joined(separator: ", ")))"
    }

    // MARK: - :vars

    /// One line per name defined in the session (in definition order): name, type, and shape or value.
    static func variables(_ vm: VM, baseline: [String: Value]) -> String {
        var rows: [(String, String, String)] = []
        for name in vm.globals.names {
            guard let value = vm.globals.value(of: name), name != "_" else { continue }
            if let old = baseline[name], same(old, value) { continue }
            rows.append((name, typeName(value), detail(value)))
        }
        guard !rows.isEmpty else { return "no variables defined\n" }
        let nameWidth = max(4, rows.map(\.0.count).max() ?? 0), typeWidth = max(4, rows.map(\.1.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: w - s.count + 2) }
        var out = pad("name", nameWidth) + pad("type", typeWidth) + "shape / value\n"
        for (name, type, detail) in rows {
            out += (pad(name, nameWidth) + pad(type, typeWidth) + detail).trimmed + "\n"
        }
        return out
    }

    static func typeName(_ value: Value) -> String {
        switch value {
        case .array(let a): return a.isBool ? "bool array" : "array"
        case .builtin: return "builtin"
        default: return value.typeName
        }
    }

    /// What `:vars` shows about a value: an array's shape, a short repr, a signature, a length.
    static func detail(_ value: Value) -> String {
        switch value {
        case .array(let a): return "(" + a.shape.map(String.init).joined(separator: ", ") + (a.shape.count == 1 ? ",)" : ")")
        case .function(let f): return signature(f)
        case .builtin(let b): return b.name
        case .tuple(let t): return "len \(t.items.count)"
        case .list(let l): return "len \(l.items.count)"
        case .record(let r): return shortened("{" + r.keys.joined(separator: ", ") + "}")
        default: return shortened(Formatting.repr(value))
        }
    }

    static func shortened(_ text: String, to limit: Int = 50) -> String {
        let oneLine = text.split(separator: "\n").joined(separator: " ")
        return oneLine.count <= limit ? oneLine : String(oneLine.prefix(limit - 3)) + "..."
    }

    /// Whether two values are the same object (or equal scalars): a name still holding its initial value.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x.bitPattern == y.bitPattern
        case let (.builtin(x), .builtin(y)): return x === y
        case let (.list(x), .list(y)): return x === y
        case let (.array(x), .array(y)): return x === y
        case let (.string(x), .string(y)): return x === y
        default: return false
        }
    }

    // MARK: - :load

    static func load(_ vm: VM, _ command: Command) throws {
        let path = unquoted(command.argument)
        guard !path.isEmpty else { throw command.error(.argument, "usage: :load FILE") }
        guard let text = System.readFile(path) else {
            throw command.error(.io, "can't open file '\(path)': No such file or directory", atArgumentOffset: 0)
        }
        try vm.run(source: SourceFile(name: path, text: text), echo: false)
    }

    /// A command argument without the quotes around it, if it has a matching pair.
    static func unquoted(_ argument: String) -> String {
        let text = argument.trimmed
        if text.count >= 2, let q = text.first, q == "\"" || q == "'", text.last == q {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}

// The command-line driver (SPEC §1): picks the mode from the arguments,
// runs the program, renders errors, and returns the exit status.
// 0 success, 1 the program raised an error, 2 usage errors.

import ADL
import CSupport
import Glibc

public enum Driver {
    public static let version = "0.1.0"

    public static let usage = """
    usage: adl [-i] [file.adl | -c code | -] [args...]
      adl                 interactive REPL (a terminal on stdin), or run the program piped to stdin
      adl FILE [ARGS...]  run a script; argv holds [FILE, ARGS...]
      adl -c CODE         run CODE, printing the value of each expression statement
      adl -               run the program on stdin (as when it is piped)
      adl -i ...          run the script, code or stdin, then enter the REPL with its names defined
      adl -h, --help      show this help and exit
      adl -V, --version   show the version and exit
    REPL commands: grad f, :help [name], :dis f, :time EXPR, :vars, :load FILE, :quit (see man adl)
    environment: ADL_HISTORY (REPL history file, default ~/.adl_history),
                 ADL_MAX_ELEMENTS (largest array, default 2147483648 elements),
                 ADL_RECURSION_LIMIT (deepest call chain, default 1000),
                 NO_COLOR (no colour in prompts and errors)

    """

    /// Runs `adl` with `arguments` (without the program name) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        var args = arguments[...]
        var interactiveAfter = false
        var programFromStdin = false
        var code: String?
        var scriptPath: String?
        while let first = args.first {
            if first == "-h" || first == "--help" {
                print(usage, terminator: "")
                return 0
            } else if first == "-V" || first == "--version" {
                print("adl \(version)")
                return 0
            } else if first == "-i" {
                interactiveAfter = true
                args = args.dropFirst()
            } else if first == "-c" {
                args = args.dropFirst()
                guard let c = args.first else {
                    return usageError("argument expected for the -c option")
                }
                code = c
                args = args.dropFirst()
                break
            } else if first == "-" {
                programFromStdin = true
                args = args.dropFirst()
                break
            } else if first.hasPrefix("-") && first.count > 1 {
                return usageError("unknown option \(first)")
            } else {
                scriptPath = first
                args = args.dropFirst()
                break
            }
        }

        installInterruptHandler()
        keepFreedArraysInTheHeap()
        let vm = VM()
        configure(vm)

        if let code {
            setArgv(vm, ["-c"] + args)
            SessionCommands.register(in: vm)
            let status = run(vm, SourceFile(name: "<string>", text: code), echo: true)
            return interactiveAfter ? REPL(vm: vm).run() : status
        }
        if let scriptPath {
            guard let text = System.readFile(scriptPath) else {
                System.writeStandardError("adl: can't open file '\(scriptPath)': No such file or directory\n")
                return 2
            }
            setArgv(vm, [scriptPath] + args)
            SessionCommands.register(in: vm)
            let status = run(vm, SourceFile(name: scriptPath, text: text), echo: false)
            if interactiveAfter {
                return REPL(vm: vm).run()
            }
            return status
        }
        setArgv(vm, [""] + args)
        SessionCommands.register(in: vm)
        if System.isTerminal(0) && !programFromStdin {
            return REPL(vm: vm).run()
        }
        let text = System.readStandardInput()
        let status = run(vm, SourceFile(name: "<stdin>", text: text), echo: true)
        if interactiveAfter && status == 0 { return REPL(vm: vm).run() }
        return status
    }

    /// Applies the ADL_* environment settings.
    static func configure(_ vm: VM) {
        if let s = System.environment("ADL_MAX_ELEMENTS"), let n = Int(s), n > 0 { NDArray.maxElements = n }
        if let s = System.environment("ADL_RECURSION_LIMIT"), let n = Int(s), n > 0 {
            vm.recursionLimit = min(n, 100_000)
        }
    }

    static func setArgv(_ vm: VM, _ items: [String]) {
        vm.globals[vm.globals.slot(for: "argv")] = .list(ListObject(items.map { Value.string($0) }))
    }

    /// Runs a whole program; prints an error and returns 1 if it fails.
    static func run(_ vm: VM, _ file: SourceFile, echo: Bool) -> Int32 {
        do {
            try vm.run(source: file, echo: echo)
            System.flush()
            return 0
        } catch is QuitRequest {
            System.flush()
            return 0
        } catch {
            report(error)
            return 1
        }
    }

    /// Writes an error to stderr after flushing what the program printed.
    static func report(_ error: Error) {
        let text = (error as? ADLError).map(DiagnosticRenderer.render) ?? "error: \(error)\n"
        System.writeStandardError(Terminal.colourEnabled(for: 2) ? Terminal.colourDiagnostic(text) : text)
    }

    static func usageError(_ message: String) -> Int32 {
        System.writeStandardError("adl: \(message)\n\(usage)")
        return 2
    }

    /// Large arrays are served from the heap, and freed ones stay there for the next
    /// array: without this, glibc maps every array over 32 MB afresh and the kernel
    /// zeroes its pages (20 ms for each new 80 MB temporary of `x * y + 1.0`).
    static func keepFreedArraysInTheHeap() {
        adl_keep_freed_memory()
    }

    /// Ctrl-C sets the VM's interrupt flag; the running program stops with an error at its next loop or call.
    static func installInterruptHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            interruptRequested.store(true, ordering: .relaxed)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
    }
}

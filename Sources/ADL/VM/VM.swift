// The virtual machine: a value stack shared by all frames, a frame stack,
// and the session's globals. `run` executes a compiled program; `call`
// calls any callable value from Swift (builtins such as `grad` re-enter the
// VM this way). The dispatch loop itself is in VM+Dispatch.swift.
//
// Invariants:
// - The stack holds `Slot`s; stack[0..<sp] own their objects (Slot.swift), stack[sp...] is garbage.
// - A frame's locals are stack[base..<base+localCount]; its callee sits at base-1.

import Synchronization
@preconcurrency import Glibc

/// Set by the SIGINT handler; polled on backward jumps and calls.
public let interruptRequested = Atomic<Bool>(false)

/// One activation of a function. The function is not retained here: the
/// callee slot at `base - 1` owns it for as long as the frame exists.
struct Frame {
    unowned(unsafe) let function: FunctionObject
    var ip: Int
    let base: Int
    let code: UnsafeMutablePointer<Instruction>
    let constants: UnsafeMutablePointer<Slot>
}

/// Runs ADL bytecode.
public final class VM {
    public let builtins: BuiltinTable
    public let globals: Globals
    /// Where `print` and echoed values go.
    public var write: (String) -> Void = { System.writeStandardOutput($0) }
    /// Frames deeper than this raise "maximum recursion depth exceeded".
    public var recursionLimit = 1000 {
        didSet { frames.reserve(recursionLimit + 2) }
    }

    let stack: UnsafeMutablePointer<Slot>
    let stackCapacity: Int
    var sp = 0
    var frames = FrameStack(capacity: 1002)

    // MARK: - Autodiff recording hook
    // While a trace is active, operations on traced values are recorded into it
    // (the instrumented mode, Autodiff/). Off, it costs one predictable branch
    // at each array operation, builtin call and index operation, and nothing at
    // scalar ones.
    public var activeTrace: Trace?

    /// Called with each value the echo printed (the REPL keeps the last one in `_`).
    public var echoed: ((Value) -> Void)?

    /// Handlers of command lines (`grad f`, `:help sum`; see Commands.swift), by name.
    public var commands: [String: CommandHandler] = [:]

    public init(builtins: BuiltinTable = Library.makeStandard(), stackCapacity: Int = 1 << 20) {
        self.builtins = builtins
        self.globals = Globals(builtins: builtins)
        self.stackCapacity = stackCapacity
        self.stack = UnsafeMutablePointer<Slot>.allocate(capacity: stackCapacity)
        commands["grad"] = Show.command    // the gradient printer (Show/Show.swift)
    }

    deinit {
        for i in 0..<sp { stack[i].release() }
        stack.deallocate()
        frames.deallocate()
    }

    // MARK: - Entry points

    /// Compiles and runs `source` in this session. `echo` prints the value of
    /// top-level expression statements (stdin, -c and REPL modes).
    public func run(source file: SourceFile, echo: Bool) throws {
        let program = try Parser.parse(file)
        let compiler = Compiler(globals: globals, builtins: builtins, file: file, echo: echo)
        let proto = try compiler.compile(program)
        _ = try run(proto)
    }

    /// Runs a compiled top-level program.
    public func run(_ proto: FunctionProto) throws -> Value {
        let function = FunctionObject(proto: proto, defaults: [], captured: [])
        return try call(.function(function), Arguments([]))
    }

    /// Calls `callee` with `arguments` and returns its result.
    public func call(_ callee: Value, _ arguments: Arguments) throws -> Value {
        let entrySP = sp
        let entryDepth = frames.count
        do {
            let needed = arguments.positional.count + arguments.keywords.count + 1
            guard sp + needed < stackCapacity else {
                throw ADLError(.recursion, "maximum recursion depth exceeded (stack full)")
            }
            push(callee)
            for v in arguments.positional { push(v) }
            for kw in arguments.keywords { push(kw.value) }
            let names = arguments.keywords.map(\.name)
            let argc = arguments.positional.count + arguments.keywords.count
            if try enterCall(argc: argc, keywordNames: names, location: nil) {
                try dispatch(stopDepth: entryDepth)
            }
            // The result replaced the callee at entrySP.
            sp -= 1
            if frames.isEmpty { globals.releaseRetired() }
            return stack[sp].take()
        } catch {
            unwind(toSP: entrySP, depth: entryDepth)
            if frames.isEmpty { globals.releaseRetired() }
            throw error
        }
    }

    /// Past this many functions retired by global assignments (Globals.retired), STORE_GLOBAL
    /// releases those that no active frame runs, so a loop that keeps rebinding a global
    /// function holds a bounded number of them.
    static let retiredLimit = 256

    /// Releases the retired functions that no active frame is running.
    func releaseRetiredFunctions() {
        let frames = self.frames
        globals.releaseRetired { slot in
            let object = UnsafeMutableRawPointer(bitPattern: UInt(slot.bits))
            for i in 0..<frames.count where Unmanaged.passUnretained(frames[i].function).toOpaque() == object {
                return true
            }
            return false
        }
    }

    /// Drops frames and stack values above the given marks (after an error).
    func unwind(toSP target: Int, depth: Int) {
        if frames.count > depth { frames.removeLast(frames.count - depth) }
        if sp > target {
            for i in target..<sp { stack[i].release() }
            sp = target
        }
    }

    @inline(__always)
    func push(_ value: Value) {
        stack[sp] = Slot(value)
        sp += 1
    }

    @inline(__always)
    func pop() -> Value {
        sp -= 1
        return stack[sp].take()
    }

    // MARK: - Calls

    /// Performs a call with the callee and `argc` arguments on the stack.
    /// Builtins run at once (their result replaces the callee; returns false);
    /// user functions get a new frame (returns true: the caller must dispatch).
    func enterCall(argc: Int, keywordNames: [String], location: SourceLocation?) throws -> Bool {
        let calleeIndex = sp - argc - 1
        let calleeSlot = stack[calleeIndex]
        if calleeSlot.tag == .function || calleeSlot.tag == .borrowedFunction {
            try calleeSlot.withFunction { try pushFrame($0, argc: argc, keywordNames: keywordNames) }
            return true
        }
        // MARK: Autodiff scalar fast path (one branch when not tracing)
        if activeTrace != nil, calleeSlot.tag == .builtin, argc == 1, keywordNames.isEmpty,
           let result = calleeSlot.withBuiltin({ tracedScalarCall($0, stack[sp - 1]) }) {
            sp -= 1
            stack[sp].release()
            replaceCallee(at: calleeIndex, with: result)
            return false
        }
        switch calleeSlot.value() {
        case .builtin(let builtin):
            let args = collectArguments(argc: argc, keywordNames: keywordNames)
            if let trace = activeTrace, !builtin.tracesItself, trace.isTraced(args) {
                replaceCallee(at: calleeIndex, with: try tracedCall(trace, builtin, args))
                return false
            }
            let result = try builtin.body(self, args)
            replaceCallee(at: calleeIndex, with: result)
            return false
        case .boundMethod(let method):
            var args = collectArguments(argc: argc, keywordNames: keywordNames)
            args.positional.insert(method.receiver, at: 0)
            if let trace = activeTrace, trace.isTraced(args) {
                replaceCallee(at: calleeIndex, with: try tracedCall(trace, method.method, args))
                return false
            }
            let result = try method.method.body(self, args)
            replaceCallee(at: calleeIndex, with: result)
            return false
        case let callee:
            throw ADLError.type("'\(callee.typeName)' object is not callable")
        }
    }

    /// Puts a builtin's result where its callee was (the arguments are already gone).
    @inline(__always)
    private func replaceCallee(at index: Int, with result: Value) {
        replaceCallee(at: index, with: Slot(result))
    }

    @inline(__always)
    private func replaceCallee(at index: Int, with result: Slot) {
        let old = stack[index]
        stack[index] = result
        old.release()
    }

    /// Pops `argc` arguments into an `Arguments` value.
    private func collectArguments(argc: Int, keywordNames: [String]) -> Arguments {
        let positionalCount = argc - keywordNames.count
        var positional: [Value] = []
        positional.reserveCapacity(positionalCount)
        var keywords: [(name: String, value: Value)] = []
        let start = sp - argc
        for i in 0..<argc {
            let v = stack[start + i].take()
            if i < positionalCount {
                positional.append(v)
            } else {
                keywords.append((keywordNames[i - positionalCount], v))
            }
        }
        sp = start
        return Arguments(positional, keywords: keywords)
    }

    /// Binds arguments to parameters and pushes a frame for `function`.
    func pushFrame(_ function: FunctionObject, argc: Int, keywordNames: [String]) throws {
        let proto = function.proto
        if frames.count >= recursionLimit || frames.count >= frames.capacity {
            throw ADLError(.recursion, "maximum recursion depth exceeded (limit \(recursionLimit))")
        }
        let paramCount = proto.parameters.count
        let base = sp - argc
        guard base + argc + proto.localCount + proto.maxStack + 8 < stackCapacity else {
            throw ADLError(.recursion, "maximum recursion depth exceeded (stack full)")
        }
        if keywordNames.isEmpty && argc == paramCount {
            // Fast path: exactly the positional parameters.
        } else {
            try bindSlow(function, argc: argc, keywordNames: keywordNames, base: base)
        }
        // Remaining locals start unassigned.
        let extra = proto.localCount - paramCount
        if extra > 0 {
            (stack + base + paramCount).initialize(repeating: .undefined, count: extra)
        }

        sp = base + proto.localCount
        let code: UnsafeMutablePointer<Instruction>, constants: UnsafeMutablePointer<Slot>
        if let c = proto.code, let k = proto.constants {
            (code, constants) = (c, k)
        } else {
            (code, constants) = proto.chunk.sealed()
        }
        frames.append(Frame(function: function, ip: 0, base: base, code: code, constants: constants))
    }

    /// Argument binding with keywords and defaults; leaves exactly the parameters at base.
    private func bindSlow(_ function: FunctionObject, argc: Int, keywordNames: [String], base: Int) throws {
        let proto = function.proto
        let params = proto.parameters
        let name = proto.name
        let positionalCount = argc - keywordNames.count
        if positionalCount > params.count {
            let takes = function.defaults.isEmpty ? "\(params.count)"
                : "from \(params.count - function.defaults.count) to \(params.count)"
            throw ADLError.argument("\(name)() takes \(takes) positional argument\(params.count == 1 ? "" : "s") but \(positionalCount) \(positionalCount == 1 ? "was" : "were") given")
        }
        var bound = [Slot?](repeating: nil, count: params.count)
        func fail(_ error: ADLError) -> ADLError {
            // The arguments stay on the stack (owned there); nothing was moved.
            return error
        }
        for i in 0..<argc {
            if i < positionalCount {
                bound[i] = stack[base + i]
            } else {
                let kw = keywordNames[i - positionalCount]
                guard let p = params.firstIndex(of: kw) else {
                    var error = ADLError.argument("\(name)() got an unexpected keyword argument '\(kw)'")
                    if let s = Suggestions.closest(to: kw, among: params) { error.notes.append("did you mean '\(s)'?") }
                    throw fail(error)
                }
                if bound[p] != nil {
                    throw fail(ADLError.argument("\(name)() got multiple values for argument '\(kw)'"))
                }
                bound[p] = stack[base + i]
            }
        }
        let firstDefault = params.count - function.defaults.count
        var missing: [String] = []
        for p in 0..<params.count where bound[p] == nil && p < firstDefault {
            missing.append(params[p])
        }
        if !missing.isEmpty {
            let list = missing.map { "'\($0)'" }.joined(separator: missing.count == 2 ? " and " : ", ")
            throw fail(ADLError.argument("\(name)() missing \(missing.count) required positional argument\(missing.count == 1 ? "" : "s"): \(list)"))
        }
        // Ownership moves from the argument slots to the parameter slots; defaults are new references.
        for p in 0..<params.count {
            if let slot = bound[p] {
                stack[base + argc + p] = slot
            } else {
                stack[base + argc + p] = Slot(function.defaults[p - firstDefault])
            }
        }
        for p in 0..<params.count { stack[base + p] = stack[base + argc + p] }
        sp = base + params.count
    }

    // MARK: - Errors

    /// Adds the location of the instruction at `ip` in the innermost frame and the call trace.
    func annotate(_ error: Error, frameIndex: Int, ip: Int) -> Error {
        guard var adl = error as? ADLError else { return error }
        guard frameIndex >= 0, frameIndex < frames.count else { return adl }
        let frame = frames[frameIndex]
        let chunk = frame.function.proto.chunk
        let at = max(0, min(ip - 1, chunk.locations.count - 1))
        if adl.location == nil || adl.location == .unknown, at < chunk.locations.count {
            adl = adl.located(chunk.locations[at], in: chunk.file)
        }
        if adl.trace.isEmpty && adl.kind != .syntax {
            adl.trace = callTrace(innermost: frameIndex, ip: ip)
        }
        return adl
    }

    /// The active user functions, innermost first, with where each was called from.
    func callTrace(innermost: Int, ip: Int) -> [TraceEntry] {
        var entries: [TraceEntry] = []
        var index = innermost
        var currentIP = ip
        while index >= 1 {
            let frame = frames[index]
            let proto = frame.function.proto
            let chunk = proto.chunk
            let here = chunk.locations[max(0, min(currentIP - 1, chunk.locations.count - 1))]
            let caller = frames[index - 1]
            let callerChunk = caller.function.proto.chunk
            let callSite = callerChunk.locations[max(0, min(caller.ip - 1, callerChunk.locations.count - 1))]
            entries.append(TraceEntry(function: proto.name, file: chunk.file.name, line: Int(here.line),
                                      calledFrom: "\(callerChunk.file.name):\(callSite.line)"))
            index -= 1
            currentIP = caller.ip
        }
        return entries
    }
}

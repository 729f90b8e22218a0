// Caching, step 4 of the autodiff mechanism (SPEC §8), and the driver of the
// other steps: a `Differentiator` belongs to one gradient function
// (`grad(f)`, `vjp`...). A call looks for a compiled trace made for the same
// argument shapes and the same constant arguments, and runs it; its guards
// stop it when a branch goes another way, and then — or when there is no such
// trace — `f` is traced again (Trace), differentiated (Reverse), compiled
// (Lowering), and the new trace joins the cache.

final class Differentiator {
    enum Mode {
        /// Value and gradients of a scalar output (seed 1).
        case gradient
        /// Value and gradients of `sum(output)` (seed ones).
        case elementwise
        /// Value and the vector-Jacobian product with a seed passed as an extra last argument.
        case vjp
    }

    let function: Value
    let argnums: [Int]
    let mode: Mode
    /// `grad(f)`, `value_and_grad(f)`...: the builtin that made it and the function's name.
    let name: String
    let kind: String
    let functionName: String
    /// False when only the gradients are wanted: the compiled trace then
    /// computes no more of the function's value than the gradients need
    /// (`run` returns `.none` in its place).
    let returnsValue: Bool
    /// How many times `function` was traced (for tests: a cached call does not trace).
    private(set) var traceCount = 0
    /// How many jacobian calls ran as one batched call (for tests, see runBatched).
    private(set) var batchedRuns = 0
    /// How many traces were differentiated by the lean first-call sweep
    /// (LeanReverse), and how many gradient graphs were built for a trace
    /// that had been (when it was reused): for tests.
    private(set) var leanRuns = 0
    private(set) var deferredGraphs = 0
    /// How many nodes the last trace's function recorded by the scalar fast
    /// path (Trace+Scalars.swift) still held as numbers when it returned: for tests.
    private(set) var lazyNodes = 0
    /// The last trace's node count when its function returned, and how many of its lazy
    /// nodes were still out of the CSE table then (Trace.unindexed): for tests.
    private(set) var recordedNodes = 0
    private(set) var unindexedNodes = 0
    /// False makes every first call take the graph path (tests compare the two).
    var allowsLean = true
    /// How many cached calls were answered by replaying a lean entry's trace
    /// (see `replay`) instead of running its compiled form: for tests.
    private(set) var replayRuns = 0
    /// False makes every reuse lower the trace, as before replays (tests compare the two).
    nonisolated(unsafe) static var replaysLeanTraces = true

    private final class Entry {
        /// Per positional argument: the shape of a traced argument, or the value of a constant one.
        let keys: [Key]
        let keywords: [(name: String, value: Value)]
        /// The compiled trace and it as a callable function: made when the entry
        /// is first reused (a gradient called once is never lowered), see `compile`.
        var proto: FunctionProto?
        var function: Value?
        /// What lowering needs until it has happened; kept afterwards only when
        /// the Differentiator batches (jacobian), which replays the trace.
        var trace: Trace?
        var outputs: [Value] = []
        /// Set when the first call's gradient came from LeanReverse: the trace
        /// then has no gradient graph yet, and `outputs` is empty until
        /// `buildGradientGraph` records it (the function's result, the input nodes).
        var deferred: (out: Value, inputs: [Int])?
        var parameters: [String] = []
        let file: SourceFile
        /// The variables read from outside (see Trace.External).
        let externals: [Trace.External]
        /// The shape of the function's result (the default cotangent of `.vjp` is ones of it).
        let resultShape: [Int]
        /// jacobian: the trace replayed over a whole batch of seeds (Batching.swift),
        /// or `batchRefused` when some primitive on the seed's path has no batching rule.
        var batched: Value?
        var batchRefused = false

        /// False only if lowering failed after the trace was dropped (never expected).
        var isRunnable: Bool { function != nil || trace != nil }

        /// Drops what only lowering and batching need.
        func release() {
            trace = nil
            outputs = []
        }

        init(keys: [Key], keywords: [(name: String, value: Value)], trace: Trace, outputs: [Value],
             parameters: [String], file: SourceFile, resultShape: [Int]) {
            self.keys = keys
            self.keywords = keywords
            self.trace = trace
            self.outputs = outputs
            self.parameters = parameters
            self.file = file
            self.externals = trace.externals
            self.resultShape = resultShape
        }
    }
    private enum Key {
        case traced([Int])
        case constant(Value)
    }
    private var entries: [Entry] = []
    private static let maxEntries = 16
    /// Set by jacobian: entries keep their trace for Batching after lowering.
    var batches = false

    init(function: Value, argnums: [Int], mode: Mode, kind: String, returnsValue: Bool = true,
         functionName: String? = nil) {
        self.function = function
        self.kind = kind
        self.functionName = functionName ?? Library.functionName(function)
        self.name = "\(kind)(\(self.functionName))"
        self.returnsValue = returnsValue
        self.argnums = argnums
        self.mode = mode
    }

    /// `[value, gradient for each of argnums]` at `args` (and `seed` for `.vjp`).
    func run(_ vm: VM, _ args: Arguments, seed: Value? = nil) throws -> [Value] {
        let positional = args.positional
        for k in argnums where k >= positional.count {
            throw ADLError.argument("argnums \(k) is out of range: \(name) was called with \(positional.count) positional argument\(positional.count == 1 ? "" : "s")")
        }
        for k in argnums { try Differentiator.checkDifferentiable(positional[k], position: k) }
        // Each cached trace for these shapes, until one's guards all hold.
        for entry in entries where matches(entry, positional, args.keywords) && entry.isRunnable {
            if mode == .vjp, let seed { try checkCotangent(seed, entry.resultShape) }
            guard let extra = externalArguments(entry, vm) else { continue }
            if let replayed = replay(entry, vm, positional, extra: extra) { return replayed }
            do {
                return try runCompiled(compile(entry, vm), vm, positional, seed: seed ?? ones(entry), extra: extra)
            } catch let error as ADLError where error.kind == .retrace {
                continue
            }
        }
        let keys = positional.enumerated().map { key($0.offset, $0.element) }
        let (entry, first, trace) = try self.trace(vm, args, keys: keys, seed: seed)
        if trace.isCacheable {
            if entries.count >= Differentiator.maxEntries { entries.removeFirst() }
            entries.append(entry)
            // Lowering waits for the first reuse (a gradient called once never pays
            // for it), unless the trace holds big arrays: the cache would keep them alive.
            if Differentiator.heldElements(trace) > Differentiator.lazyLoweringLimit { _ = try compile(entry, vm) }
        }
        // Under an enclosing trace whose values reach us, run the compiled trace
        // there, so the enclosing trace records how our results were computed.
        if let outer = vm.activeTrace, let extra = externalArguments(entry, vm),
           outer.isTraced(args) || seed.map({ outer.isTraced($0) }) == true || extra.contains(where: { outer.isTraced($0) }) {
            return try runCompiled(compile(entry, vm), vm, positional, seed: seed ?? ones(entry), extra: extra)
        }
        return first
    }

    /// How many array elements a trace may hold while it waits in the cache to be lowered.
    static let lazyLoweringLimit = 1 << 18

    static func heldElements(_ trace: Trace) -> Int {
        trace.heldElements
    }

    /// The entry's compiled trace as a function, lowering it on first use.
    private func compile(_ entry: Entry, _ vm: VM) throws -> Value {
        if let f = entry.function { return f }
        guard let trace = entry.trace else { throw ADLError(.notImplemented, "\(name): a cached gradient lost its trace") }
        try buildGradientGraph(entry, trace, vm)
        let proto = try Lowering.compile(trace, name: name, parameters: entry.parameters,
                                         outputs: entry.outputs, file: entry.file)
        entry.proto = proto
        let f = Value.function(FunctionObject(proto: proto, defaults: [], captured: []))
        entry.function = f
        if !batches || entry.batched != nil || entry.batchRefused { entry.release() }
        return f
    }

    // MARK: - Batching (jacobian)

    /// What `runBatched` did.
    enum Batched {
        /// The shape of the function's result and, for each of argnums, the vjps
        /// of all the unit cotangents stacked on a leading axis (the jacobian's rows).
        case rows([Int], [Value])
        /// The trace cannot be batched; `first` is the result of the `run` made
        /// on the way (so that the caller does not run the function again), if any.
        case unbatched(first: [Value]?)
    }

    /// The jacobian's rows in one call of the batched trace (Batching.swift),
    /// or `.unbatched` when there is none (then one `run` per cotangent is the way).
    func runBatched(_ vm: VM, _ args: Arguments) throws -> Batched {
        guard mode == .vjp, batches, vm.activeTrace == nil else { return .unbatched(first: nil) }
        let positional = args.positional
        var first: [Value]?
        for attempt in 0..<2 {
            for entry in entries where matches(entry, positional, args.keywords) {
                guard let extra = externalArguments(entry, vm) else { continue }
                guard let f = batchedFunction(entry, vm) else { return .unbatched(first: first) }
                do {
                    let rows = try runCompiled(f, vm, positional, seed: nil, extra: extra, takesSeed: false)
                    batchedRuns += 1
                    return .rows(entry.resultShape, returnsValue ? rows : Array(rows.dropFirst()))
                } catch let error as ADLError where error.kind == .retrace {
                    continue
                }
            }
            // No entry for these values yet: trace one (run checks the arguments too).
            if attempt == 0 { first = try run(vm, args) }
        }
        return .unbatched(first: first)
    }

    /// The most elements a batched value may have (64 MB of floats).
    static let batchLimit = 1 << 23

    private func batchedFunction(_ entry: Entry, _ vm: VM) -> Value? {
        if let f = entry.batched { return f }
        guard !entry.batchRefused, let trace = entry.trace else { return nil }
        let m = entry.resultShape.reduce(1, *)
        // Every value on the cotangent's path grows m-fold: a big jacobian loops instead.
        var largest = 1
        for node in trace.nodes { if case .array(let a) = node.value { largest = max(largest, a.count) } }
        var proto: FunctionProto?
        if m > 0, m <= Differentiator.batchLimit / largest, entry.externals.allSatisfy({ $0.input == nil }), let seeds = try? NDArray(shape: [m] + entry.resultShape) {
            // Row i is the unit cotangent e_i.
            for i in 0..<m { seeds.data[i * m + i] = 1 }
            let positionalCount = entry.keys.count
            // Only the gradients: the value is not wanted once per cotangent.
            proto = Batching.compile(trace, outputs: Array(entry.outputs.dropFirst(returnsValue ? 1 : 0)),
                                     seedInput: positionalCount, seeds: seeds, parameters: Array(entry.parameters.prefix(positionalCount)),
                                     name: name, file: entry.file, vm: vm)
        }
        guard let proto else {
            entry.batchRefused = true
            if entry.function != nil { entry.release() }
            return nil
        }
        let f = Value.function(FunctionObject(proto: proto, defaults: [], captured: []))
        entry.batched = f
        // The unbatched function too (for `dis` and the like), then the trace can go.
        if entry.function == nil { _ = try? compile(entry, vm) }
        entry.release()
        return f
    }

    /// The compiled function for the arguments' shapes (tracing when needed), for `dis`.
    func compiled(_ vm: VM, _ args: Arguments) throws -> FunctionProto {
        // The entry a call would run: its shapes match and the globals and cells it
        // read still hold what they held when it was traced (else a call retraces).
        func current(_ e: Entry) -> Bool {
            matches(e, args.positional, args.keywords) && e.isRunnable && externalArguments(e, vm) != nil
        }
        if let entry = entries.first(where: current) {
            _ = try compile(entry, vm)
            if let proto = entry.proto { return proto }
        }
        _ = try run(vm, args)
        guard let entry = entries.last(where: current) else {
            throw ADLError.value("\(name) cannot be compiled: its function is not deterministic")
        }
        _ = try compile(entry, vm)
        guard let proto = entry.proto else { throw ADLError.value("\(name) cannot be compiled") }
        return proto
    }

    static func checkDifferentiable(_ v: Value, position k: Int) throws {
        switch v {
        case .int, .float, .bool, .array: return
        default:
            throw ADLError.type("can't differentiate with respect to argument \(k), a '\(v.typeName)': only numbers and arrays have gradients")
        }
    }

    // MARK: - Cache

    private func isTracedKind(_ k: Int, _ v: Value) -> Bool {
        if argnums.contains(k) { return true }
        switch v {
        case .float: return true
        case .array(let a): return !a.isBool
        default: return false
        }
    }

    private func key(_ k: Int, _ v: Value) -> Key {
        if isTracedKind(k, v) {
            if case .array(let a) = v { return .traced(a.shape) }
            return .traced([])
        }
        return .constant(v)
    }

    /// Whether `e` was made for arguments like these (compared in place: a cached
    /// call allocates no key).
    private func matches(_ e: Entry, _ positional: [Value], _ keywords: [(name: String, value: Value)]) -> Bool {
        guard e.keys.count == positional.count, e.keywords.count == keywords.count else { return false }
        for k in 0..<positional.count {
            let v = positional[k]
            switch e.keys[k] {
            case .traced(let s):
                guard isTracedKind(k, v) else { return false }
                if case .array(let a) = v {
                    if a.shape != s { return false }
                } else if !s.isEmpty {
                    return false
                }
            case .constant(let x):
                if isTracedKind(k, v) || !VM.sameValue(x, v) { return false }
            }
        }
        for (a, b) in zip(e.keywords, keywords) where a.name != b.name || !VM.sameValue(a.value, b.value) { return false }
        return true
    }

    /// The cotangent `.vjp` uses when none is given: ones shaped like the result.
    private func ones(_ e: Entry) -> Value? {
        guard mode == .vjp else { return nil }
        return (try? NDArray.full(e.resultShape, 1, isBool: false)).map { Value.array($0) }
    }

    /// The current values of an entry's external inputs, or nil when a variable
    /// it took as a constant has changed (the entry is stale).
    private func externalArguments(_ e: Entry, _ vm: VM) -> [Value]? {
        var extra: [Value] = []
        for x in e.externals {
            let current: Value
            switch x.source {
            case .global(let slot): current = slot < vm.globals.names.count ? vm.globals[slot] : .undefined
            case .cell(let c): current = c.value
            }
            if let snapshot = x.snapshot {
                if !Trace.same(current, snapshot) { return nil }
            } else {
                guard case .array(let a) = current, a.shape == x.shape else { return nil }
                extra.append(current)
            }
        }
        return extra
    }

    private func runCompiled(_ function: Value, _ vm: VM, _ positional: [Value], seed: Value?,
                             extra: [Value], takesSeed: Bool = true) throws -> [Value] {
        // One array for the arguments, built in place (this runs on every cached call).
        let withSeed = mode == .vjp && takesSeed
        var args: [Value] = []
        args.reserveCapacity(positional.count + (withSeed ? 1 : 0) + extra.count)
        for k in positional.indices {
            let v = positional[k]
            switch v {
            case .float: args.append(v)
            case .int(let i) where isTracedKind(k, v): args.append(.float(Double(i)))
            case .bool(let b) where isTracedKind(k, v): args.append(.float(b ? 1 : 0))
            case .array(let a) where a.isBool && isTracedKind(k, v): args.append(.array(a.asFloat()))
            default: args.append(v)
            }
        }
        if withSeed { args.append(seed ?? .none) }
        if !extra.isEmpty { args.append(contentsOf: extra) }
        let result = try vm.call(function, Arguments(args))
        guard case .tuple(let t) = result else { return [result] }
        var out: [Value] = []
        out.reserveCapacity(t.items.count + 1)
        if !returnsValue { out.append(.none) }
        for item in t.items { out.append(Differentiator.plain(item, vm)) }
        return out
    }

    /// A 0-d array result as a float, as everywhere else in ADL (traced values stay arrays).
    static func plain(_ v: Value, _ vm: VM) -> Value {
        if case .int(let i) = v { return .float(Double(i)) }
        if case .array(let a) = v, a.shape.isEmpty, vm.activeTrace?.isTraced(v) != true { return Value.wrap(a) }
        return v
    }

    // MARK: - Tracing

    private func trace(_ vm: VM, _ args: Arguments, keys: [Key], seed: Value?) throws -> (Entry, [Value], Trace) {
        traceCount += 1
        let outer = vm.activeTrace
        let trace = Trace(enclosing: outer)
        vm.activeTrace = trace
        defer { vm.activeTrace = outer }

        var traced: [Value] = []
        var inputNode: [Int: Int] = [:]
        for (k, v) in args.positional.enumerated() {
            if isTracedKind(k, v) {
                let t = try trace.input(k, Trace.concrete(v))
                inputNode[k] = trace.node(of: t)
                traced.append(t)
            } else {
                traced.append(v)
            }
        }
        let out = try vm.call(function, Arguments(traced, keywords: args.keywords))
        lazyNodes = trace.lazyCount
        recordedNodes = trace.storage.count
        unindexedNodes = trace.unindexed.count
        let ops = GradientOps(vm: vm)

        var seedValue: Value
        switch mode {
        case .gradient:
            try checkScalar(out)
            seedValue = .float(1)
        case .elementwise:
            _ = try Coerce.array(out, what: "the function's result")
            seedValue = .array(try NDArray.full(ops.shape(out), 1, isBool: false))
        case .vjp:
            _ = try Coerce.array(out, what: "the function's result")
            let s = try seed.map { Trace.concrete($0) } ?? .array(try NDArray.full(ops.shape(out), 1, isBool: false))
            try checkCotangent(s, ops.shape(out))
            seedValue = try trace.input(args.positional.count, s)
        }

        let inputs = argnums.map { inputNode[$0] ?? -1 }
        var grads: [Value]
        var deferred = false
        if let lean = leanGradients(trace, out: out, inputs: inputs, outer: outer) {
            // Numbers only: the gradient graph waits for a reuse (buildGradientGraph).
            grads = lean
            deferred = true
            leanRuns += 1
        } else {
            grads = try gradientGraph(vm, trace, out: out, seed: seedValue, inputs: inputs)
        }
        var parameters: [String] = args.positional.indices.map { "arg\($0)" }
        if case .function(let f) = function, f.proto.parameters.count >= parameters.count {
            parameters = Array(f.proto.parameters.prefix(parameters.count))
        }
        if mode == .vjp { parameters.append("seed") }
        for (k, e) in trace.externals.filter({ $0.input != nil }).enumerated() {
            if case .cell = e.source { parameters.append("outer\(k)") } else { parameters.append("global\(k)") }
        }
        let file: SourceFile
        if case .function(let f) = function { file = f.proto.chunk.file } else { file = SourceFile(name: "<\(name)>", text: "") }
        let first = ([out] + grads).map { Differentiator.plain(Trace.concrete($0), vm) }
        let entry = Entry(keys: keys, keywords: args.keywords, trace: trace,
                          outputs: deferred ? [] : (returnsValue ? [out] : []) + grads, parameters: parameters, file: file,
                          resultShape: ops.shape(first[0]))
        if deferred { entry.deferred = (out, inputs) }
        return (entry, first, trace)
    }

    /// The reverse pass (Reverse.swift) recorded into `trace` (which must be the
    /// VM's active trace): for each of `inputs` (the argnums' input nodes) the
    /// gradient as a traced value, summed and broadcast to the input's shape.
    private func gradientGraph(_ vm: VM, _ trace: Trace, out: Value, seed: Value, inputs: [Int]) throws -> [Value] {
        let ops = GradientOps(vm: vm)
        let cotangents = try trace.node(of: out).map { try Reverse(vm: vm, trace: trace).run(output: $0, seed: seed, inputs: inputs) }
        var grads: [Value] = []
        for (i, node) in inputs.enumerated() {
            let shape = ops.shape(trace.nodes[max(node, 0)].value)
            guard let c = cotangents?[i] else {
                grads.append(shape.isEmpty ? .float(0) : .array(try NDArray(shape: shape)))
                continue
            }
            grads.append(try ops.broadcast(ops.sumTo(c, shape), shape))
        }
        return grads
    }

    /// The first call's gradients from LeanReverse, when it applies: a plain
    /// gradient (seed 1) of a trace of scalars with respect to scalars, not
    /// under an enclosing trace (which must record how our results were made).
    /// Nil sends the caller to the graph path.
    private func leanGradients(_ trace: Trace, out: Value, inputs: [Int], outer: Trace?) -> [Value]? {
        guard allowsLean, mode == .gradient, outer == nil, let output = trace.node(of: out) else { return nil }
        for node in inputs {
            // Read without `nodes`, which would make the fast path's lazy numbers arrays.
            guard node >= 0, node < trace.storage.count, case .array(let a) = trace.storage[node].value,
                  a.shape.isEmpty else { return nil }
        }
        guard let cotangents = LeanReverse.gradients(trace, output: output, inputs: inputs) else { return nil }
        return cotangents.map { .float($0 ?? 0) }
    }

    /// A reuse of a big lean entry (see `replayMinimumNodes`) without lowering
    /// it: its trace, a straight-line program of numbers (Trace.isScalarTape),
    /// runs again at the new arguments with plain floats (LeanReverse.replay),
    /// giving the numbers the compiled trace would, bit for bit. Nil when it
    /// does not apply: the caller compiles the trace as before.
    private func replay(_ entry: Entry, _ vm: VM, _ positional: [Value], extra: [Value]) -> [Value]? {
        guard Differentiator.replaysLeanTraces, mode == .gradient, vm.activeTrace == nil, extra.isEmpty, entry.function == nil,
              let (out, inputs) = entry.deferred, let trace = entry.trace, trace.isScalarTape,
              trace.storage.count >= Differentiator.replayMinimumNodes, let output = trace.node(of: out) else { return nil }
        // Each argument as the number its input node would hold (runCompiled's conversions).
        var arguments: [Double?] = []
        arguments.reserveCapacity(positional.count)
        for (k, v) in positional.enumerated() {
            switch v {
            case .float(let x): arguments.append(x)
            case .int(let i) where isTracedKind(k, v): arguments.append(Double(i))
            case .bool(let b) where isTracedKind(k, v): arguments.append(b ? 1 : 0)
            case .array(let a) where a.shape.isEmpty && isTracedKind(k, v): arguments.append(a.data[0])
            default: arguments.append(nil)
            }
        }
        guard let (value, cotangents) = LeanReverse.replay(trace, output: output, inputs: inputs, arguments: arguments) else { return nil }
        replayRuns += 1
        return [.float(value)] + cotangents.map { .float($0 ?? 0) }
    }

    /// The fewest nodes a lean entry's trace must have to be replayed on reuse
    /// rather than lowered: below it, lowering is cheap and the compiled trace
    /// runs faster than a replay; above it, lowering costs as much as thousands
    /// of replays and a replay runs faster than the compiled trace (B10's loop
    /// of 1000 steps: ~4000 nodes).
    static let replayMinimumNodes = 256

    /// Records the gradient graph of an entry whose first call took the lean
    /// path, so that it can be lowered: the same Reverse pass the first call
    /// would have made, now that the trace is being reused.
    private func buildGradientGraph(_ entry: Entry, _ trace: Trace, _ vm: VM) throws {
        guard let (out, inputs) = entry.deferred else { return }
        let outer = vm.activeTrace
        vm.activeTrace = trace
        defer { vm.activeTrace = outer }
        let grads = try gradientGraph(vm, trace, out: out, seed: .float(1), inputs: inputs)
        entry.outputs = (returnsValue ? [out] : []) + grads
        entry.deferred = nil
        deferredGraphs += 1
    }

    private func checkCotangent(_ seed: Value, _ resultShape: [Int]) throws {
        let shape: [Int]
        switch seed {
        case .array(let a): shape = a.shape
        case .int, .float, .bool: shape = []
        default: throw ADLError.type("the cotangent must be a number or an array, not a '\(seed.typeName)'")
        }
        if shape != resultShape {
            throw ADLError(.shape, "the cotangent has shape \(Formatting.shape(shape)) but \(functionName) returned an array of shape \(Formatting.shape(resultShape))")
        }
    }

    private func checkScalar(_ out: Value) throws {
        switch out {
        case .float, .int, .bool: return
        case .array(let a) where a.shape.isEmpty: return
        case .array(let a):
            throw ADLError.type("\(kind) requires a function with a scalar output, but \(functionName) returned an array of shape \(Formatting.shape(a.shape)); use jacobian(f) for the full derivative or elementwise_grad(f) for the gradient of sum(f)")
        default:
            throw ADLError.type("\(kind) requires a function with a scalar output, but \(functionName) returned a '\(out.typeName)'")
        }
    }
}

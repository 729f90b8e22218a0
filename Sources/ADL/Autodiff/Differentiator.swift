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

    private struct Entry {
        /// Per positional argument: the shape of a traced argument, or the value of a constant one.
        var keys: [Key]
        var keywords: [(name: String, value: Value)]
        var proto: FunctionProto
        /// The compiled trace as a callable function (made once).
        var function: Value
        /// The variables read from outside (see Trace.External).
        var externals: [Trace.External]
        /// The shape of the function's result (the default cotangent of `.vjp` is ones of it).
        var resultShape: [Int]
    }
    private enum Key {
        case traced([Int])
        case constant(Value)
    }
    private var entries: [Entry] = []
    private static let maxEntries = 16

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
        let keys = positional.enumerated().map { key($0.offset, $0.element) }
        // Each cached trace for these shapes, until one's guards all hold.
        for entry in entries where matches(entry, keys, args.keywords) {
            if mode == .vjp, let seed { try checkCotangent(seed, entry.resultShape) }
            guard let extra = externalArguments(entry, vm) else { continue }
            do {
                return try runCompiled(entry.function, vm, positional, seed: seed ?? ones(entry), extra: extra)
            } catch let error as ADLError where error.kind == .retrace {
                continue
            }
        }
        let (proto, first, trace) = try self.trace(vm, args, seed: seed)
        let entry = Entry(keys: keys, keywords: args.keywords, proto: proto,
                          function: .function(FunctionObject(proto: proto, defaults: [], captured: [])),
                          externals: trace.externals,
                          resultShape: GradientOps(vm: vm).shape(first[0]))
        if trace.isCacheable {
            if entries.count >= Differentiator.maxEntries { entries.removeFirst() }
            entries.append(entry)
        }
        // Under an enclosing trace whose values reach us, run the compiled trace
        // there, so the enclosing trace records how our results were computed.
        if let outer = vm.activeTrace, let extra = externalArguments(entry, vm),
           outer.isTraced(args) || seed.map({ outer.isTraced($0) }) == true || extra.contains(where: { outer.isTraced($0) }) {
            return try runCompiled(entry.function, vm, positional, seed: seed ?? ones(entry), extra: extra)
        }
        return first
    }

    /// The compiled function for the arguments' shapes (tracing when needed), for `dis`.
    func compiled(_ vm: VM, _ args: Arguments) throws -> FunctionProto {
        let keys = args.positional.enumerated().map { key($0.offset, $0.element) }
        if let entry = entries.first(where: { matches($0, keys, args.keywords) }) { return entry.proto }
        _ = try run(vm, args)
        guard let entry = entries.first(where: { matches($0, keys, args.keywords) }) else {
            throw ADLError.value("\(name) cannot be compiled: its function is not deterministic")
        }
        return entry.proto
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

    private func matches(_ e: Entry, _ keys: [Key], _ keywords: [(name: String, value: Value)]) -> Bool {
        guard e.keys.count == keys.count, e.keywords.count == keywords.count else { return false }
        for (a, b) in zip(e.keys, keys) {
            switch (a, b) {
            case (.traced(let s), .traced(let t)): if s != t { return false }
            case (.constant(let x), .constant(let y)): if !VM.sameValue(x, y) { return false }
            default: return false
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
                             extra: [Value]) throws -> [Value] {
        var args = positional.enumerated().map { k, v -> Value in
            guard isTracedKind(k, v) else { return v }
            switch v {
            case .int(let i): return .float(Double(i))
            case .bool(let b): return .float(b ? 1 : 0)
            case .array(let a) where a.isBool: return .array(a.asFloat())
            default: return v
            }
        }
        if mode == .vjp { args.append(seed ?? .none) }
        args += extra
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

    private func trace(_ vm: VM, _ args: Arguments, seed: Value?) throws -> (FunctionProto, [Value], Trace) {
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

        var grads: [Value] = []
        let outNode = trace.node(of: out)
        let cotangents = try outNode.map { try Reverse(vm: vm, trace: trace).run(output: $0, seed: seedValue, inputs: argnums.map { inputNode[$0] ?? -1 }) }
        for (i, k) in argnums.enumerated() {
            let shape = ops.shape(trace.nodes[inputNode[k] ?? 0].value)
            guard let c = cotangents?[i] else {
                grads.append(shape.isEmpty ? .float(0) : .array(try NDArray(shape: shape)))
                continue
            }
            grads.append(try ops.broadcast(ops.sumTo(c, shape), shape))
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
        let proto = try Lowering.compile(trace, name: name, parameters: parameters,
                                         outputs: (returnsValue ? [out] : []) + grads, file: file)
        let first = ([out] + grads).map { Differentiator.plain(Trace.concrete($0), vm) }
        return (proto, first, trace)
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

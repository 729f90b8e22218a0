// The VM side of instrumented execution: what each hook does when a trace is
// active and an operand is traced. Every hook computes the concrete result
// with the untraced code path and records it (Trace.record).

extension VM {
    /// Where the running instruction is, for the nodes recorded now.
    func noteLocation(_ trace: Trace) {
        guard !frames.isEmpty, !trace.pinsLocation else { return }
        let frame = frames[frames.count - 1]
        // The running chunk's locations, looked up again only when the code changes
        // (a loop records many nodes in one function: no retain of the chunk's array each time).
        if frame.code != trace.locationsCode {
            let chunk = frame.function.proto.chunk
            trace.locationsCode = frame.code
            trace.locationsChunk = chunk
            trace.locations = chunk.locations
        }
        let at = frames.topIP - 1
        if at >= 0 && at < trace.locations.count { trace.location = trace.locations[at] }
        if trace.variableNames != nil { noteLocalNames(trace, frame) }
    }

    // MARK: Hook for the gradient printer (Show/)
    /// Records which traced values the running function's locals hold, so the
    /// printer can name a shared subexpression after the user's variable.
    /// Runs before each traced operation, only when `trace.variableNames` is on.
    private func noteLocalNames(_ trace: Trace, _ frame: Frame) {
        let proto = frame.function.proto
        for (i, name) in proto.localNames.enumerated() where i >= proto.parameters.count {
            let slot = stack[frame.base + i]
            guard slot.tag == .array, let n = trace.node(of: slot.value()) else { continue }
            if trace.variableNames?[n] == nil { trace.variableNames?[n] = name }
        }
    }

    /// A builtin called with traced arguments.
    func tracedCall(_ trace: Trace, _ builtin: BuiltinFunction, _ args: Arguments) throws -> Value {
        noteLocation(trace)
        // A unary maths builtin of one traced number (sin(x) in a scalar loop): its
        // value as the builtin computes it for a float, without binding arguments.
        if args.keywords.isEmpty, args.positional.count == 1, case .array(let a) = args.positional[0],
           a.shape.isEmpty, !a.isBool, let op = trace.scalarUnary(builtin, self) {
            let result = Library.scalarResult(op.apply(a.data[0]), bool: op.yieldsBool)
            return trace.record(.call(builtin, keywords: []), args.positional, result: result)
        }
        switch builtin.name {
        case "len", "shape", "size", "ndim", "print", "str", "repr", "help", "dis", "isinstance":
            // Shapes are part of the cache key, and output is not repeated on cached calls.
            return try builtin.body(self, args)
        case "random.seed", "random.rand", "random.randn", "random.uniform", "random.normal", "time":
            trace.isCacheable = false
        default: break
        }
        // Traced numbers (0-d arrays) go in as floats: the same result, without array kernels.
        func plain(_ v: Value) -> Value {
            if case .array(let a) = v, a.shape.isEmpty, !a.isBool { return .float(a.data[0]) }
            return v
        }
        let concrete = Arguments(args.positional.map(plain), keywords: args.keywords.map { ($0.name, plain($0.value)) })
        let result = try builtin.body(self, concrete)
        return trace.record(.call(builtin, keywords: args.keywords.map(\.name)),
                            args.positional + args.keywords.map(\.value), result: result)
    }

    /// The truth of a value that is not a plain bool, guarded when traced.
    func truth(_ v: Value) throws -> Bool {
        let outcome = try Operators.truth(v)
        if let trace = activeTrace, trace.isTraced(v) {
            noteLocation(trace)
            trace.guardTruth(v, outcome)
        }
        return outcome
    }

    /// `base[indices]`.
    func getIndex(_ base: Value, _ indices: [Value]) throws -> Value {
        guard let trace = activeTrace else { return try Indexing.get(base, indices) }
        noteLocation(trace)
        let plain = try indices.map { try concreteIndex(trace, $0) }
        guard trace.isTraced(base) else { return try Indexing.get(base, plain) }
        return trace.record(.getIndex, [base] + plain, result: try Indexing.get(base, plain))
    }

    /// `target[indices] = value`, as a new traced value when either is traced.
    func setIndex(_ target: inout Value, _ indices: [Value], _ value: Value) throws {
        guard let trace = activeTrace else { return try Indexing.set(&target, indices, value) }
        noteLocation(trace)
        let plain = try indices.map { try concreteIndex(trace, $0) }
        guard trace.isTraced(target) || trace.isTraced(value) else { return try Indexing.set(&target, plain, value) }
        var result: Value = .array(try Coerce.array(target).copy())
        if case .array = target {} else {
            // Only arrays take traced elements.
            throw ADLError.type("cannot assign a traced value into a '\(target.typeName)' while differentiating")
        }
        try Indexing.set(&result, plain, Trace.concrete(value))
        target = trace.record(.setIndex, [target, value] + plain, result: result)
    }

    /// An index computed from traced values is used as a constant, guarded on its value.
    private func concreteIndex(_ trace: Trace, _ index: Value) throws -> Value {
        guard trace.isTraced(index) else { return index }
        if case .array(let a) = index, !a.shape.isEmpty {
            // A traced mask or index array: its value decides the result's shape.
            let plain = Trace.concrete(index)
            trace.guardEqual(index, plain)
            return plain
        }
        let plain = Trace.concrete(index)
        guard let x = Operators.number(plain), x == x.rounded(), Swift.abs(x) < 9e18 else { return plain }
        let i = Value.int(Int(x))
        trace.guardEqual(index, i)
        return i
    }

    /// `x.T` and the other array attributes.
    func tracedAttribute(_ x: Value, _ name: String) throws -> Value {
        let result = try attribute(x, name)
        guard let trace = activeTrace, name == "T", trace.isTraced(x) else { return result }
        noteLocation(trace)
        return trace.record(.transpose, [x], result: result)
    }

    /// A list display whose items may be traced.
    func display(_ items: [Value]) throws -> Value {
        let result = try Operators.display(items)
        guard let trace = activeTrace, items.contains(where: { trace.isTraced($0) }) else { return result }
        noteLocation(trace)
        if case .array = result { return trace.record(.display, items, result: result) }
        return result
    }

    /// The rows of a traced array, for `for` and unpacking.
    func tracedRows(_ v: Value) throws -> Value? {
        guard let trace = activeTrace, trace.isTraced(v), case .array(let a) = v else { return nil }
        guard let rows = a.shape.first else { return nil }
        try Operators.checkRowCount(a)
        return .tuple(TupleObject(try (0..<rows).map { try getIndex(v, [.int($0)]) }))
    }
}

extension VM {
    /// GUARD_EQUAL: whether `x` still equals the value recorded when tracing.
    /// Under an enclosing trace the comparison is itself guarded there.
    func guardHolds(_ x: Value, _ expected: Value) throws -> Bool {
        let same = VM.sameValue(x, expected)
        if same, let trace = activeTrace, trace.isTraced(x) { trace.guardEqual(x, expected) }
        return same
    }

    /// Equality of numbers by value (nan equals nan), of arrays by shape and
    /// elements, of tuples item by item, of anything else by identity.
    static func sameValue(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)):
            guard x.shape == y.shape else { return false }
            for i in 0..<x.count where x.data[i] != y.data[i] && !(x.data[i].isNaN && y.data[i].isNaN) { return false }
            return true
        case (.array(let x), _) where x.shape.isEmpty:
            return sameValue(Value.wrap(x), b)
        case (.tuple(let x), .tuple(let y)):
            return x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { sameValue($0, $1) }
        default:
            if let x = Operators.number(a), let y = Operators.number(b) { return x == y || (x.isNaN && y.isNaN) }
            return Operators.identical(a, b)
        }
    }
}

// Forward fusion: an elementwise array expression in source code, such as
// `100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2` or `sum(...)` of one,
// compiles to one FUSED_CHAIN instruction (Arrays/Fusion) followed by its
// ordinary code. At run time the fused program reads the variables itself;
// when they are not float arrays of one shape (numbers, bool arrays, a 2-d
// array under a slice, a traced value ...) it falls through to the ordinary
// code, which then behaves (and fails) exactly as without fusion.
//
// What fuses: + - * / ** and unary minus over plain local or global names,
// number literals and slices `name[lo:hi]` with literal bounds. To keep
// scalar code free of the extra instruction, only expressions that slice or
// are summed fuse (those are the ones whose temporaries cost memory passes).

extension Compiler {
    /// Emits `e` as a fused chain plus its ordinary code; false (nothing emitted) when it does not fit.
    func fusedChain(_ e: Expr) throws -> Bool {
        var body = e
        var sumSource: FusedSource?
        var sums = false
        if case .call(let callee, let args) = e.kind {
            guard args.count == 1, args[0].name == nil else { return false }
            switch callee.kind {
            case .name("sum"):
                guard case .global(let g) = resolve("sum") else { return false }
                sumSource = .global(g)
            case .attribute:
                guard case .builtin(let i) = moduleAttribute(callee), i < builtins.functions.count,
                      builtins.functions[i].name == "sum" else { return false }
            default:
                return false
            }
            sums = true
            body = args[0].value
        }
        switch body.kind {
        case .binary, .unary: break
        default: return false
        }
        var builder = ChainBuilder()
        guard let result = builder.register(body, self), result == builder.steps.count - 1,
              builder.operations > 0, builder.reads, sums || builder.slices else { return false }
        let kernel = FusedKernel(inputs: builder.inputs, steps: builder.steps, sums: sums, shape: nil,
                                 sumSource: sumSource)
        let chunk = current.chunk
        chunk.fusedKernels.append(kernel)
        let jump = emit(.fusedChain, chunk.fusedKernels.count - 1, 0, at: e.loc)
        fusionSuppressed += 1
        defer { fusionSuppressed -= 1 }
        try expression(e)
        chunk.code[jump].b = Int32(chunk.code.count)
        return true
    }
}

/// The program of a source expression, built bottom-up.
private struct ChainBuilder {
    var steps: [FusedStep] = []
    var inputs: [FusedInput] = []
    var operations = 0
    /// Some leaf reads a variable / slices one.
    var reads = false
    var slices = false
    private var inputRegister: [String: Int] = [:]
    private let limit = 128

    mutating func add(_ s: FusedStep) -> Int {
        steps.append(s)
        return steps.count - 1
    }

    /// A literal int bound (negated ones too), `.some(nil)` for an omitted one, nil otherwise.
    private func bound(_ e: Expr?, _ compiler: Compiler) -> Int?? {
        guard let e else { return .some(nil) }
        if case .int(let v)? = compiler.literalConstant(e) { return .some(v) }
        return nil
    }

    /// The input reading `source` (sliced or not), shared by repeated leaves.
    private mutating func load(_ key: String, _ input: FusedInput) -> Int {
        if let r = inputRegister[key] { return r }
        inputs.append(input)
        let r = add(.load(inputs.count - 1, shift: 0))
        inputRegister[key] = r
        reads = true
        return r
    }

    private func source(_ name: String, _ compiler: Compiler) -> FusedSource? {
        switch compiler.resolve(name) {
        case .local(let slot): return .local(slot)
        case .global(let slot): return .global(slot)
        case .cell, .free: return nil
        }
    }

    mutating func register(_ e: Expr, _ compiler: Compiler) -> Int? {
        guard steps.count < limit else { return nil }
        if let literal = compiler.literalConstant(e) {
            switch literal {
            case .int(let v): return add(.constant(Double(v)))
            case .float(let v): return add(.constant(v))
            default: return nil
            }
        }
        switch e.kind {
        case .name(let n):
            guard let s = source(n, compiler) else { return nil }
            return load(n, FusedInput(source: s))
        case .subscriptAccess(let base, let subs):
            guard case .name(let n) = base.kind, subs.count == 1,
                  case .slice(let lower, let upper, let step) = subs[0],
                  let s = source(n, compiler), let lo = bound(lower, compiler), let hi = bound(upper, compiler)
            else { return nil }
            if let step {
                guard case .int(1)? = compiler.literalConstant(step) else { return nil }
            }
            slices = true
            return load("\(n)[\(lo.map(String.init) ?? ""):\(hi.map(String.init) ?? "")]",
                        FusedInput(source: s, isSlice: true, start: lo, stop: hi))
        case .unary(.neg, let x):
            guard let a = register(x, compiler) else { return nil }
            operations += 1
            return add(.unary(.neg, a))
        case .binary(let op, let l, let r):
            let e: ElementwiseBinary
            switch op {
            case .add: e = .add
            case .sub: e = .sub
            case .mul: e = .mul
            case .div: e = .div
            case .pow: e = .pow
            default: return nil
            }
            guard let a = register(l, compiler), let b = register(r, compiler) else { return nil }
            operations += 1
            return add(.binary(e, a, b))
        default:
            return nil
        }
    }
}

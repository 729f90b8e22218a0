// Lowering of matrix products whose operand is a transpose: the gradient of
// `a @ b` is `g @ bᵀ` and `aᵀ @ g` (Rules.matmul), and copying the transpose
// of a big matrix (the 256×784 input of an MLP layer: 1.6 MB) costs about as
// much as everything else the gradient does besides its products. When the
// trace shows `transpose(x) @ y` (or `x.T @ y`, `y @ transpose(x)`) with `x` a
// 2-d matrix, the product is lowered to one call of a fused builtin that hands
// the transpose to dgemm as a flag (NDArray.transposedProduct) and copies
// nothing; the transpose node is then dead unless something else reads it.
//
// The fused builtin exists only in lowered bytecode (it is not in the builtin
// table, so programs cannot name it; `dis` shows it as `matmul_tn` and the
// like). Its results are bit for bit those of the copy and `@`: it takes the
// flag path only where OpenBLAS guarantees that, and otherwise (and for
// operands of another shape than the trace had) it computes `transpose` then
// `@` as recorded. Run under an enclosing trace (a gradient of a gradient,
// a hessian), it records exactly those two primitives, so the trace — and
// what is derived from it: gradient rules, batching, printing — never sees it.

extension Lowering {
    /// How a matmul operand was transposed in the trace.
    enum TransposeSource {
        /// `transpose(x)`, the builtin recorded (called again when the flag path does not apply).
        case call(BuiltinFunction)
        /// `x.T`.
        case attribute
    }

    /// A matmul node lowered as one fused call.
    struct FusedProduct {
        /// The nodes the call reads: the transposes' sources in place of the transposes.
        let operands: [Int]
        let builtin: BuiltinFunction
    }

    /// The matmul nodes of `nodes` to lower as fused calls, by node index: those
    /// with a transposed 2-d operand whose product is big enough for the flag path.
    static func fusedProducts(_ nodes: [Trace.Node]) -> [Int: FusedProduct] {
        var result: [Int: FusedProduct] = [:]
        for (n, node) in nodes.enumerated() {
            guard case .binary(.matmul) = node.primitive, node.operands.count == 2 else { continue }
            let sources = node.operands.map { transposeSource(nodes, $0) }
            guard sources[0] != nil || sources[1] != nil else { continue }
            let a = sources[0]?.input ?? node.operands[0], b = sources[1]?.input ?? node.operands[1]
            // The flag path must apply to the traced shapes, or fusing only adds a call.
            guard case .array(let x) = nodes[a].value, case .array(let y) = nodes[b].value,
                  NDArray.transposedProductShape(x, transposeA: sources[0] != nil, y, transposeB: sources[1] != nil) != nil
            else { continue }
            result[n] = FusedProduct(operands: [a, b],
                                     builtin: fusedBuiltin(sources[0]?.how, sources[1]?.how))
        }
        return result
    }

    /// The operand of node `n` when it is the transpose of a 2-d array.
    private static func transposeSource(_ nodes: [Trace.Node], _ n: Int) -> (input: Int, how: TransposeSource)? {
        let node = nodes[n]
        guard node.operands.count == 1 else { return nil }
        let how: TransposeSource
        switch node.primitive {
        case .call(let builtin, let keywords) where builtin.name == "transpose" && keywords.isEmpty:
            how = .call(builtin)
        case .transpose:
            how = .attribute
        default:
            return nil
        }
        guard case .array(let x) = nodes[node.operands[0]].value, x.ndim == 2 else { return nil }
        return (node.operands[0], how)
    }

    /// The builtin computing `opA(a) @ opB(b)`, where a nil `TransposeSource` leaves its operand as it is.
    static func fusedBuiltin(_ ta: TransposeSource?, _ tb: TransposeSource?) -> BuiltinFunction {
        let name = "matmul_" + (ta == nil ? "n" : "t") + (tb == nil ? "n" : "t")
        let f = BuiltinFunction(name) { vm, args in
            guard args.positional.count == 2, args.keywords.isEmpty else {
                throw ADLError(.notImplemented, "\(name) is an internal operation of compiled gradients")
            }
            var a = args.positional[0], b = args.positional[1]
            if vm.activeTrace == nil, case .array(let x) = a, case .array(let y) = b,
               let product = NDArray.transposedProduct(x, transposeA: ta != nil, y, transposeB: tb != nil) {
                return .array(product)
            }
            // As recorded: the transposes, then the product (traced when a trace is active).
            a = try transpose(a, ta, vm)
            b = try transpose(b, tb, vm)
            return try vm.binary(.matmul, a, b)
        }
        f.tracesItself = true
        return f
    }

    private static func transpose(_ x: Value, _ how: TransposeSource?, _ vm: VM) throws -> Value {
        switch how {
        case nil:
            return x
        case .attribute:
            return try vm.tracedAttribute(x, "T")
        case .call(let builtin):
            let args = Arguments([x])
            if let trace = vm.activeTrace, trace.isTraced(args) { return try vm.tracedCall(trace, builtin, args) }
            return try builtin.body(vm, args)
        }
    }
}

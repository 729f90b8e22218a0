// The differentiation builtins of SPEC §8: grad value_and_grad
// elementwise_grad jacobian hessian jvp vjp stop_gradient checkgrad, and
// index_add, the scatter-add that gradients of indexing are made of.
// The machinery is in Sources/ADL/Autodiff.

import CSupport
import Glibc

extension Library {
    static func registerAutodiff(_ t: BuiltinTable) {
        // grad and elementwise_grad differ only in the cotangent they start from.
        for (name, mode) in [("grad", Differentiator.Mode.gradient), ("elementwise_grad", .elementwise)] {
            t.register(name) { _, args in
                let p = try args.bind(name, ["fun", "argnums"], required: 1)
                let (f, argnums, isTuple) = try differentiable(p[0], p[1], name)
                let d = Differentiator(function: f, argnums: argnums, mode: mode, kind: name, returnsValue: false)
                return derived(d) { vm, args in gradients(try d.run(vm, args), isTuple) }
            }
        }
        t.register("value_and_grad") { _, args in
            let p = try args.bind("value_and_grad", ["fun", "argnums"], required: 1)
            let (f, argnums, isTuple) = try differentiable(p[0], p[1], "value_and_grad")
            let d = Differentiator(function: f, argnums: argnums, mode: .gradient, kind: "value_and_grad")
            return derived(d) { vm, args in
                let r = try d.run(vm, args)
                return .tuple(TupleObject([r[0], gradients(r, isTuple)]))
            }
        }
        t.register("jacobian") { _, args in
            let p = try args.bind("jacobian", ["fun", "argnums"], required: 1)
            let (f, argnums, isTuple) = try differentiable(p[0], p[1], "jacobian")
            return jacobian(f, argnums, isTuple, kind: "jacobian")
        }
        t.register("hessian") { _, args in
            let p = try args.bind("hessian", ["fun", "argnums"], required: 1)
            let (f, argnums, _) = try differentiable(p[0], p[1], "hessian")
            guard argnums.count == 1 else { throw ADLError.argument("hessian() takes a single int argnums") }
            let g = Differentiator(function: f, argnums: argnums, mode: .gradient, kind: "hessian",
                                   returnsValue: false)
            let gradient = derived(g) { vm, args in try g.run(vm, args)[1] }
            return jacobian(gradient, argnums, false, kind: "hessian", of: functionName(f))
        }
        t.register("vjp") { vm, args in
            guard let f = args.positional.first else { throw ADLError.argument("vjp() missing 1 required positional argument: 'fun'") }
            try checkCallable(f, "vjp")
            let primals = Array(args.positional.dropFirst())
            let d = Differentiator(function: f, argnums: Array(primals.indices), mode: .vjp, kind: "vjp")
            let value = try d.run(vm, Arguments(primals))[0]
            let pullback = derived(d) { vm, pargs in
                let g = try pargs.exactly("pullback", 1)[0]
                return .tuple(TupleObject(Array(try d.run(vm, Arguments(primals), seed: g).dropFirst())))
            }
            return .tuple(TupleObject([value, pullback]))
        }
        t.function(named: "vjp")?.tracesItself = true
        t.register("jvp") { vm, args in
            // Forward mode as forward-over-reverse: u ↦ Σ_k <vjp(f)(u)_k, t_k> is
            // linear in u with gradient J t, so J t = grad of it at any u (zeros).
            let p = try args.bind("jvp", ["fun", "primals", "tangents"], required: 3)
            let f = p[0] ?? .none
            try checkCallable(f, "jvp")
            let primals = try sequence(p[1] ?? .none, "primals")
            let tangents = try sequence(p[2] ?? .none, "tangents")
            guard primals.count == tangents.count else {
                throw ADLError.value("jvp() needs one tangent per primal: got \(primals.count) primals and \(tangents.count) tangents")
            }
            let ops = GradientOps(vm: vm)
            for (k, (x, v)) in zip(primals, tangents).enumerated() where ops.shape(x) != ops.shape(v) {
                throw ADLError(.shape, "the tangent for primal \(k) has shape \(Formatting.shape(ops.shape(v))) but the primal has shape \(Formatting.shape(ops.shape(x)))")
            }
            let pullback = Differentiator(function: f, argnums: Array(primals.indices), mode: .vjp, kind: "vjp")
            let value = try pullback.run(vm, Arguments(primals))[0]
            let pairing = BuiltinFunction("jvp(\(functionName(f)))") { vm, uargs in
                let cotangents = try pullback.run(vm, Arguments(primals), seed: uargs.positional[0]).dropFirst()
                let ops = GradientOps(vm: vm)
                var total: Value = .float(0)
                for (c, v) in zip(cotangents, tangents) {
                    total = try ops.add(total, try ops.call("sum", [try ops.mul(c, v)]))
                }
                return total
            }
            pairing.tracesItself = true
            let linear = Differentiator(function: .builtin(pairing), argnums: [0], mode: .gradient, kind: "jvp", functionName: functionName(f))
            let u = Value.wrap(try NDArray(shape: ops.shape(value)))
            let tangentOut = try linear.run(vm, Arguments([u]))[1]
            return .tuple(TupleObject([value, tangentOut]))
        }
        t.function(named: "jvp")?.tracesItself = true
        t.register("stop_gradient") { vm, args in
            let x = try args.exactly("stop_gradient", 1)[0]
            guard let trace = vm.activeTrace, trace.isTraced(x) else { return x }
            return Differentiator.plain(Trace.concrete(x), vm)
        }
        t.function(named: "stop_gradient")?.tracesItself = true
        t.register("index_add") { _, args in
            let p = try args.bind("index_add", ["a", "index", "values"], required: 3)
            return try indexAdd(p[0] ?? .none, p[1] ?? .none, p[2] ?? .none)
        }
        t.register("checkgrad") { vm, args in
            let p = try args.bind("checkgrad", ["fun", "x", "eps"], required: 2)
            let f = p[0] ?? .none
            try checkCallable(f, "checkgrad")
            let x = try Coerce.array(p[1] ?? .none).asFloat()
            let eps = try p[2].nonNone.map { try Coerce.double($0, what: "eps") } ?? 1e-6
            let d = Differentiator(function: f, argnums: [0], mode: .gradient, kind: "grad")
            let xv = Value.wrap(x)
            let g = try Coerce.array(try d.run(vm, Arguments([xv]))[1])
            var worst = 0.0
            // The two probes are x with element i moved by ±h. They are reused from one
            // element to the next (restoring element i) while f keeps no reference to
            // them, so a big x costs no copy per element; a Ctrl-C between elements stops it
            // (f may be a builtin, which runs no instruction that would poll).
            var up = x.copy(), down = x.copy()
            for i in 0..<x.count {
                if let interrupt = VM.takeInterrupt() { throw interrupt }
                let h = eps * Swift.max(1, Swift.abs(x.data[i]))
                up.data[i] += h
                down.data[i] -= h
                let fu = try Coerce.double(try vm.call(f, Arguments([Value.wrap(up)])), what: "the function's result")
                let fd = try Coerce.double(try vm.call(f, Arguments([Value.wrap(down)])), what: "the function's result")
                if isKnownUniquelyReferenced(&up) { up.data[i] = x.data[i] } else { up = x.copy() }
                if isKnownUniquelyReferenced(&down) { down.data[i] = x.data[i] } else { down = x.copy() }
                let numeric = (fu - fd) / (2 * h)
                let analytic = g.data[i]
                let error = Swift.abs(numeric - analytic) / Swift.max(1, Swift.abs(numeric), Swift.abs(analytic))
                worst = Swift.max(worst, error.isNaN ? .infinity : error)
            }
            return .float(worst)
        }
    }

    /// The gradients of a `Differentiator.run` result (value first): one, or a tuple for tuple argnums.
    static func gradients(_ r: [Value], _ isTuple: Bool) -> Value {
        isTuple ? .tuple(TupleObject(Array(r.dropFirst()))) : r[1]
    }

    /// A builtin computed by a Differentiator, handling traced arguments itself.
    static func derived(_ d: Differentiator, _ body: @escaping BuiltinFunction.Body) -> Value {
        let f = BuiltinFunction(d.name, body)
        f.tracesItself = true
        f.payload = d
        return .builtin(f)
    }

    /// The items of a tuple or list (primals, tangents); a single value is one item.
    static func sequence(_ v: Value, _ what: String) throws -> [Value] {
        switch v {
        case .tuple(let t): return t.items
        case .list(let l): return l.items
        default: return [v]
        }
    }

    static func checkCallable(_ f: Value, _ what: String) throws {
        switch f {
        case .function, .builtin, .boundMethod: return
        default: throw ADLError.type("\(what)() needs a function to differentiate, not a '\(f.typeName)'")
        }
    }

    static func functionName(_ f: Value) -> String {
        switch f {
        case .function(let fo): return fo.proto.name
        case .builtin(let b): return b.name
        case .boundMethod(let m): return m.method.name
        default: return "?"
        }
    }

    /// The function and argnums of grad(f, argnums), checked.
    static func differentiable(_ f: Value?, _ argnums: Value?, _ what: String) throws -> (Value, [Int], Bool) {
        let fun = f ?? .none
        try checkCallable(fun, what)
        guard let argnums = argnums.nonNone else { return (fun, [0], false) }
        var list: [Int] = []
        var isTuple = false
        switch argnums {
        case .tuple(let t): list = try t.items.map { try Coerce.int($0, what: "argnums") }; isTuple = true
        case .list(let l): list = try l.items.map { try Coerce.int($0, what: "argnums") }; isTuple = true
        default: list = [try Coerce.int(argnums, what: "argnums")]
        }
        if let bad = list.first(where: { $0 < 0 }) { throw ADLError.argument("argnums must be non-negative, got \(bad)") }
        if isTuple && list.isEmpty { throw ADLError.argument("argnums must name at least one argument") }
        return (fun, list, isTuple)
    }

    /// jacobian(f): one vector-Jacobian product per element of f's result.
    static func jacobian(_ f: Value, _ argnums: [Int], _ isTuple: Bool, kind: String, of name: String? = nil) -> Value {
        let d = Differentiator(function: f, argnums: argnums, mode: .vjp, kind: kind, functionName: name)
        d.batches = true
        return derived(d) { vm, args in
            let ops = GradientOps(vm: vm)
            // All the rows in one call when the vjp's trace batches over its seed (Batching.swift).
            var firstRun: [Value]?
            switch try d.runBatched(vm, args) {
            case .rows(let outShape, let rows) where rows.count == argnums.count:
                var results: [Value] = []
                for k in argnums.indices {
                    let shape = outShape + ops.shape(args.positional[argnums[k]])
                    // Rows already in the jacobian's shape (a 1-d function of a 1-d argument) need no copy.
                    let jac = ops.shape(rows[k]) == shape ? rows[k] : try ops.call("reshape", [rows[k], ops.shapeValue(shape)])
                    results.append(Differentiator.plain(jac, vm))
                }
                return isTuple ? .tuple(TupleObject(results)) : results[0]
            case .rows: break
            case .unbatched(let first): firstRun = first
            }
            let first = try firstRun ?? d.run(vm, args)
            let outShape = ops.shape(first[0])
            let m = outShape.reduce(1, *)
            // The rows together are as big as the jacobian: refuse one over the allocation
            // limit before computing any row (m rows of a huge input would fill the memory).
            for k in argnums.indices {
                _ = try NDArray.checkedCount(outShape + ops.shape(args.positional[argnums[k]]))
            }
            var perArg: [[Value]] = Array(repeating: [], count: argnums.count)
            for i in 0..<m {
                if let interrupt = VM.takeInterrupt() { throw interrupt }
                let e = try NDArray(shape: outShape)
                e.data[i] = 1
                let r = try d.run(vm, args, seed: Value.array(e))
                for k in argnums.indices { perArg[k].append(r[k + 1]) }
            }
            var results: [Value] = []
            for (k, rows) in perArg.enumerated() {
                let inShape = ops.shape(args.positional[argnums[k]])
                let shape = outShape + inShape
                if m == 0 || rows.isEmpty {
                    results.append(.array(try NDArray(shape: shape)))
                    continue
                }
                let stacked = rows.count == 1 && outShape.isEmpty ? rows[0] : try vm.display(rows)
                results.append(Differentiator.plain(try ops.call("reshape", [stacked, ops.shapeValue(shape)]), vm))
            }
            return isTuple ? .tuple(TupleObject(results)) : results[0]
        }
    }

    /// index_add's path for basic indices and values shaped like `a[index]` (or
    /// a number): the values are added where they go in `out` (the result's own
    /// copy), without materialising `a[index]` and writing it back. The sums are
    /// the same, element by element. False when the selection or the values'
    /// shape is another case (the general path then handles it and its errors).
    static func addInPlace(_ out: NDArray, _ components: [NDArray.IndexComponent], _ values: Value) throws -> Bool {
        let sel = try out.select(components)
        guard !sel.advanced, sel.pendingError == nil, sel.dims.allSatisfy({ $0.table == nil }) else { return false }
        var scalar = 0.0
        var source: NDArray?
        switch values {
        case .float(let x): scalar = x
        case .int(let i): scalar = Double(i)
        case .array(let v) where v.shape == sel.shape && !v.isBool && v !== out: source = v
        default: return false
        }
        if sel.count == 0 { return true }
        let dst = out.data
        let dims = sel.dims
        guard let inner = dims.last else {
            dst[sel.offset] += source?.data[0] ?? scalar
            return true
        }
        // An odometer over the outer dimensions; the innermost runs as one strided loop.
        let outer = Array(dims.dropLast())
        var counter = [Int](repeating: 0, count: outer.count)
        var base = sel.offset
        var k = 0
        while true {
            var p = base
            if let src = source?.data, inner.stride == 1 {
                // A contiguous run (the gradient of a slice): one vectorised pass.
                adl_rows(Int32(ADL_ROWS_ADD.rawValue), dst + p, src + k, 1, inner.size)
            } else if let src = source?.data {
                for i in 0..<inner.size {
                    dst[p] += src[k + i]
                    p += inner.stride
                }
            } else {
                for _ in 0..<inner.size {
                    dst[p] += scalar
                    p += inner.stride
                }
            }
            k += inner.size
            var axis = outer.count - 1
            while axis >= 0 {
                counter[axis] += 1
                base += outer[axis].stride
                if counter[axis] < outer[axis].size { break }
                base -= outer[axis].stride * outer[axis].size
                counter[axis] = 0
                axis -= 1
            }
            if axis < 0 { return true }
        }
    }

    /// The flat offset of the element that `indices` (one per axis of `shape`) name:
    /// nil when one of them is not an int, the index error when one is out of bounds.
    @inline(__always)
    static func elementOffset(_ indices: [Value], in shape: [Int]) throws -> Int? {
        var offset = 0
        for (axis, i) in indices.enumerated() {
            guard case .int(var k) = i else { return nil }
            if k < 0 { k += shape[axis] }
            guard k >= 0, k < shape[axis] else {
                throw ADLError(.index, "index \(k) is out of bounds for axis \(axis) with size \(shape[axis])")
            }
            offset = offset * shape[axis] + k
        }
        return offset
    }

    /// index_add(a, index, values): a copy of `a` with `values` added at `a[index]`,
    /// adding repeatedly where an index repeats (NumPy's `np.add.at`, without mutation).
    static func indexAdd(_ av: Value, _ index: Value, _ values: Value) throws -> Value {
        let a = try Coerce.array(av).asFloat()
        let indices: [Value]
        if case .tuple(let t) = index { indices = t.items } else { indices = [index] }
        // Basic indices (ints and slices) select each element at most once.
        if indices.allSatisfy({ if case .int = $0 { return true }; if case .slice = $0 { return true }; return false }) {
            if indices.count == a.ndim, let v = Operators.number(values), a.ndim > 0 {
                if let offset = try elementOffset(indices, in: a.shape) {
                    let out = a === (try? Coerce.array(av)) ? a.copy() : a
                    out.data[offset] += v
                    return .array(out)
                }
            }
            let copy = a === (try? Coerce.array(av)) ? a.copy() : a
            if try addInPlace(copy, Indexing.components(indices), values) { return .array(copy) }
            var out: Value = .array(copy)
            let current = try Indexing.get(out, indices)
            let sum = try Library.mapBinary(.add, current, values)
            try Indexing.set(&out, indices, sum)
            return out
        }
        let positions = try NDArray(shape: a.shape)
        for i in 0..<positions.count { positions.data[i] = Double(i) }
        let selected = try Coerce.array(try Indexing.get(.array(positions), indices))
        let v = try Coerce.array(values).broadcast(to: selected.shape)
        let out = a.copy()
        for k in 0..<selected.count { out.data[Int(selected.data[k])] += v.data[k] }
        return .array(out)
    }
}

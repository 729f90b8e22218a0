// The gradient rules: for each primitive, the cotangents of its operands
// given the cotangent `g` of its result (reverse mode). Each rule states its
// maths in the comment beside it; the shapes of broadcast operands are
// restored in one place, `GradientOps.sumTo`. Conventions at kinks follow
// SPEC §8: abs'(0) = 0, ties of maximum/minimum/max/min split the gradient
// evenly, the branch `where` did not take contributes exactly zero.

import Glibc

enum Rules {
    typealias Cotangents = [Value?]

    static func apply(_ node: Trace.Node, trace: Trace, g: Value, wanted: [Bool], ops: GradientOps) throws -> Cotangents {
        let x = node.operands.map { trace.nodes[$0].value }
        let out = node.value
        switch node.primitive {
        case .input, .external, .constant, .guardTruth, .guardEqual:
            return []
        case .binary(let op):
            return try binary(op, x[0], x[1], out: out, g: g, wanted: wanted, ops: ops)
        case .unary(let op):
            switch op {
            case .negate: return [try ops.neg(g)]          // d(-a) = -da
            case .plus: return [g]                         // d(+a) = da
            default: return [nil]                          // ~a: no derivative
            }
        case .call(let builtin, let keywords):
            let positional = Array(x.prefix(x.count - keywords.count))
            var named: [String: Value] = [:]
            for (k, name) in keywords.enumerated() { named[name] = x[positional.count + k] }
            return try call(builtin.name, positional, named, keywords: keywords, out: out, g: g, ops: ops)
        case .getIndex:
            // out = a[i]: da = scatter-add of g into zeros shaped like a.
            if case .tuple(let t) = x[0] {
                guard case .int(let k) = Trace.concrete(x[1]) else { return [nil] }
                var items = [Value](repeating: .none, count: t.items.count)
                if k >= 0 && k < items.count { items[k] = g }
                return [.tuple(TupleObject(items))]
            }
            let indices = Array(x.dropFirst())
            let scattered = try ops.call("index_add", [try ops.call("zeros", [ops.shapeValue(ops.shape(x[0]))]),
                                                      .tuple(TupleObject(indices)), g])
            return [scattered] + indices.map { _ in nil }
        case .setIndex:
            // out = a with a[i] = v: da = g with g[i] = 0; dv = g[i] summed to v's shape.
            let indices = Array(x.dropFirst(2))
            var da: Value?
            if wanted[0] {
                var cleared = g
                try ops.vm.setIndex(&cleared, indices, .float(0))
                da = cleared
            }
            var dv: Value?
            if wanted[1] {
                dv = try ops.sumTo(try ops.vm.getIndex(g, indices), ops.shape(x[1]))
            }
            return [da, dv] + indices.map { _ in nil }
        case .transpose:
            return [try ops.call("transpose", [g])]       // d(a.T) = (da).T
        case .display:
            // out = [a0, a1, ...] stacked on a new first axis: d(a_k) = g[k].
            return try x.indices.map { k in try ops.sumTo(try ops.vm.getIndex(g, [.int(k)]), ops.shape(x[k])) }
        case .tuple:
            // Used as a tuple (unpacked, returned): each item gets its own cotangent.
            if case .tuple(let t) = g {
                return t.items.map { if case .none = $0 { return nil } else { return $0 } }
            }
            // Used as the array it stands for (`sum((a, b))`, `array((a, b))`): the items
            // were stacked on a new first axis, so d(a_k) = g[k], as for a list display.
            guard case .array(let ga) = g, ga.shape.first == x.count else { return x.map { _ in nil } }
            return try x.indices.map { k in
                wanted[k] ? try ops.sumTo(try ops.vm.getIndex(g, [.int(k)]), ops.shape(x[k])) : nil
            }
        }
    }

    // MARK: - Operators

    static func binary(_ op: OpCode, _ a: Value, _ b: Value, out: Value, g: Value, wanted: [Bool], ops: GradientOps) throws -> Cotangents {
        let sa = ops.shape(a), sb = ops.shape(b)
        func fit(_ ga: Value?, _ gb: Value?) throws -> Cotangents {
            [try ga.map { try ops.sumTo($0, sa) }, try gb.map { try ops.sumTo($0, sb) }]
        }
        switch op {
        case .add:                                         // d(a + b) = da + db
            return try fit(wanted[0] ? g : nil, wanted[1] ? g : nil)
        case .sub:                                         // d(a - b) = da - db
            return try fit(wanted[0] ? g : nil, wanted[1] ? try ops.neg(g) : nil)
        case .mul:                                         // d(a * b) = b da + a db
            return try fit(wanted[0] ? try ops.mul(g, b) : nil, wanted[1] ? try ops.mul(g, a) : nil)
        case .div:                                         // d(a / b) = da / b - a db / b²
            return try fit(wanted[0] ? try ops.div(g, b) : nil,
                           wanted[1] ? try ops.neg(try ops.div(try ops.mul(g, out), b)) : nil)
        case .pow:
            // d(a ** b) = b a^(b-1) da + log(a) a^b db
            var ga: Value?
            if wanted[0] {
                if case .float(let e) = b, e == 2 { ga = try ops.mul(g, try ops.mul(2.0.value, a)) }
                else if case .int(let e) = b, e == 2 { ga = try ops.mul(g, try ops.mul(2.0.value, a)) }
                else {
                    let exponentMinusOne = try ops.sub(b, 1.0.value)
                    ga = try ops.mul(g, try ops.mul(b, try ops.binary(.pow, a, exponentMinusOne)))
                }
            }
            let gb = wanted[1] ? try ops.mul(g, try ops.mul(out, try ops.call("log", [a]))) : nil
            return try fit(ga, gb)
        case .matmul:
            return try matmul(a, b, g: g, wanted: wanted, ops: ops)
        case .mod:                                         // d(a % b) = da - floor(a / b) db
            let gb = wanted[1] ? try ops.neg(try ops.mul(g, try ops.call("floor", [try ops.binary(.div, a, b)]))) : nil
            return try fit(wanted[0] ? g : nil, gb)
        default:
            return [nil, nil]                              // comparisons, //, bit operations: zero
        }
    }

    /// d(a @ b) = g @ bᵀ da + aᵀ @ g db, with vectors as NumPy treats them.
    static func matmul(_ a: Value, _ b: Value, g: Value, wanted: [Bool], ops: GradientOps) throws -> Cotangents {
        let sa = ops.shape(a), sb = ops.shape(b)
        var ga: Value?, gb: Value?
        switch (sa.count, sb.count) {
        case (1, 1):
            if wanted[0] { ga = try ops.mul(g, b) }
            if wanted[1] { gb = try ops.mul(g, a) }
        case (1, 2):
            // The outer products go through BLAS as a column times a row, as autograd's do
            // (so the signs of zeros agree).
            if wanted[0] { ga = try ops.binary(.matmul, b, g) }
            if wanted[1] { gb = try ops.binary(.matmul, column(a, ops), row(g, ops)) }
        case (2, 1):
            if wanted[0] { ga = try ops.binary(.matmul, column(g, ops), row(b, ops)) }
            if wanted[1] { gb = try ops.binary(.matmul, g, a) }    // aᵀ g, without copying aᵀ
        case (2, 2):
            if wanted[0] { ga = try ops.binary(.matmul, g, try ops.call("transpose", [b])) }
            if wanted[1] { gb = try ops.binary(.matmul, try ops.call("transpose", [a]), g) }
        case let (m, 1) where m > 2:
            // A stack of matrices times a vector: out[..., i] = Σ_j a[..., i, j] b[j].
            let gCol = try ops.call("expand_dims", [g, .int(-1)])
            if wanted[0] { ga = try ops.sumTo(ops.mul(gCol, b), sa) }
            if wanted[1] { gb = try ops.sumTo(ops.mul(a, gCol), sb) }
        case let (1, n) where n > 2:
            // A vector times a stack of matrices: out[..., j] = Σ_i a[i] b[..., i, j].
            let gRow = try ops.call("expand_dims", [g, .int(-2)])
            let aCol = try ops.call("reshape", [a, ops.shapeValue([sa[0], 1])])
            if wanted[0] { ga = try ops.sumTo(ops.call("sum", [ops.mul(b, gRow)], [("axis", .int(-1))]), sa) }
            if wanted[1] { gb = try ops.sumTo(ops.mul(aCol, gRow), sb) }
        case let (m, n) where m >= 2 && n >= 2:
            // Stacks of matrices: the same with the last two axes swapped, batch axes summed back.
            let bt = try ops.call("swapaxes", [b, .int(-1), .int(-2)]), at = try ops.call("swapaxes", [a, .int(-1), .int(-2)])
            if wanted[0] { ga = try ops.sumTo(ops.binary(.matmul, g, bt), sa) }
            if wanted[1] { gb = try ops.sumTo(ops.binary(.matmul, at, g), sb) }
        default:
            throw ADLError(.notImplemented, "the gradient of @ on arrays of \(sa.count) and \(sb.count) axes is not implemented yet")
        }
        return [ga, gb]
    }

    static func column(_ v: Value, _ ops: GradientOps) throws -> Value {
        try ops.call("reshape", [v, ops.shapeValue([ops.shape(v).first ?? 1, 1])])
    }

    static func row(_ v: Value, _ ops: GradientOps) throws -> Value {
        try ops.call("reshape", [v, ops.shapeValue([1, ops.shape(v).first ?? 1])])
    }

    // MARK: - Builtins

    static func call(_ name: String, _ x: [Value], _ named: [String: Value], keywords: [String],
                     out: Value, g: Value, ops: GradientOps) throws -> Cotangents {
        let none = [Value?](repeating: nil, count: x.count + keywords.count)
        if x.count < operandCount(name) {
            throw ADLError(.notImplemented, "differentiating \(name)() with its array operands given by keyword is not supported; pass them positionally")
        }
        func one(_ d: Value) throws -> Cotangents {
            var c = none
            c[0] = try ops.sumTo(d, ops.shape(x[0]))
            return c
        }
        func f(_ fn: String, _ v: Value) throws -> Value { try ops.call(fn, [v]) }
        let a = x.first ?? .none
        switch name {
        case "sin": return try one(ops.mul(g, f("cos", a)))                       // sin' = cos
        case "cos": return try one(ops.neg(ops.mul(g, f("sin", a))))              // cos' = -sin
        case "tan": return try one(ops.div(g, ops.binary(.pow, f("cos", a), 2.0.value)))  // tan' = 1/cos²
        case "exp": return try one(ops.mul(g, out))                               // exp' = exp
        case "exp2": return try one(ops.mul(g, ops.mul(out, log(2))))              // (2^a)' = 2^a log 2
        case "expm1": return try one(ops.mul(g, ops.add(out, 1.0.value)))          // expm1' = expm1 + 1
        case "log": return try one(ops.div(g, a))                                 // log' = 1/a
        case "log2": return try one(ops.div(g, ops.mul(a, log(2))))                // log2' = 1/(a log 2)
        case "log10": return try one(ops.div(g, ops.mul(a, log(10))))              // log10' = 1/(a log 10)
        case "log1p": return try one(ops.div(g, ops.add(a, 1.0.value)))            // log1p' = 1/(1 + a)
        case "sqrt": return try one(ops.div(g, ops.mul(2.0.value, out)))           // sqrt' = 1/(2 sqrt a); inf at 0
        case "square": return try one(ops.mul(g, ops.mul(2.0.value, a)))           // (a²)' = 2a
        case "abs", "absolute", "fabs": return try one(ops.mul(g, f("sign", a)))   // abs' = sign, 0 at 0
        case "sinh": return try one(ops.mul(g, f("cosh", a)))                     // sinh' = cosh
        case "cosh": return try one(ops.mul(g, f("sinh", a)))                     // cosh' = sinh
        case "tanh":                                                             // tanh' = 1 - tanh²
            return try one(ops.mul(g, ops.sub(1.0.value, ops.binary(.pow, out, 2.0.value))))
        case "arcsin":                                                           // 1/sqrt(1 - a²)
            return try one(ops.div(g, f("sqrt", ops.sub(1.0.value, ops.binary(.pow, a, 2.0.value)))))
        case "arccos":                                                           // -1/sqrt(1 - a²)
            return try one(ops.neg(ops.div(g, f("sqrt", ops.sub(1.0.value, ops.binary(.pow, a, 2.0.value))))))
        case "arctan":                                                           // 1/(1 + a²)
            return try one(ops.div(g, ops.add(1.0.value, ops.binary(.pow, a, 2.0.value))))
        case "arcsinh":                                                          // 1/sqrt(a² + 1)
            return try one(ops.div(g, f("sqrt", ops.add(ops.binary(.pow, a, 2.0.value), 1.0.value))))
        case "arccosh":                                                          // 1/sqrt(a² - 1)
            return try one(ops.div(g, f("sqrt", ops.sub(ops.binary(.pow, a, 2.0.value), 1.0.value))))
        case "arctanh":                                                          // 1/(1 - a²)
            return try one(ops.div(g, ops.sub(1.0.value, ops.binary(.pow, a, 2.0.value))))
        case "negative": return try one(ops.neg(g))
        case "positive", "float", "asarray", "array", "copy": return try one(g)
        case "add", "subtract", "multiply", "divide", "true_divide", "power", "mod", "remainder":
            let op: OpCode = ["add": .add, "subtract": .sub, "multiply": .mul, "divide": .div,
                              "true_divide": .div, "power": .pow, "mod": .mod, "remainder": .mod][name] ?? .add
            return try binary(op, x[0], x[1], out: out, g: g, wanted: [true, true], ops: ops) + none.dropFirst(2)
        case "matmul", "dot":
            if ops.shape(x[0]).isEmpty || ops.shape(x[1]).isEmpty {
                return try binary(.mul, x[0], x[1], out: out, g: g, wanted: [true, true], ops: ops)
            }
            return try matmul(x[0], x[1], g: g, wanted: [true, true], ops: ops)
        case "maximum", "minimum":
            return try extremum(name == "maximum", x[0], x[1], g: g, ops: ops) + none.dropFirst(2)
        case let n where (n == "max" || n == "min") && x.count >= 2 && keywords.isEmpty:
            // Python's max(a, b, ...): the pairwise maximum; ties share the gradient evenly.
            if x.count == 2 { return try extremum(name == "max", x[0], x[1], g: g, ops: ops) }
            let hits = try x.map { try ops.binary(.equal, $0, out) }
            var ties: Value = 0.0.value
            for h in hits { ties = try ops.binary(.add, ties, h) }
            return try zip(x, hits).map { v, h in try ops.sumTo(ops.mul(g, ops.div(h, ties)), ops.shape(v)) }
        case "index_add":
            // index_add(a, i, v) = a + scatter(v at i): d a = g, d v = g[i] summed to v's shape.
            let index = Trace.concrete(x[1])
            var items = [index]
            if case .tuple(let t) = index { items = t.items }
            let gv = try ops.sumTo(ops.vm.getIndex(g, items), ops.shape(x[2]))
            return [try ops.sumTo(g, ops.shape(x[0])), nil, gv] + none.dropFirst(3)
        case "arctan2":                                                          // atan2(y, x)
            let r2 = try ops.add(ops.binary(.pow, x[0], 2.0.value), ops.binary(.pow, x[1], 2.0.value))
            return [try ops.sumTo(ops.div(ops.mul(g, x[1]), r2), ops.shape(x[0])),
                    try ops.sumTo(ops.neg(ops.div(ops.mul(g, x[0]), r2)), ops.shape(x[1]))]
        case "hypot":                                                            // a/h, b/h
            return [try ops.sumTo(ops.div(ops.mul(g, x[0]), out), ops.shape(x[0])),
                    try ops.sumTo(ops.div(ops.mul(g, x[1]), out), ops.shape(x[1]))]
        case "logaddexp":                                                        // e^(a - out), e^(b - out)
            return [try ops.sumTo(ops.mul(g, f("exp", ops.sub(x[0], out))), ops.shape(x[0])),
                    try ops.sumTo(ops.mul(g, f("exp", ops.sub(x[1], out))), ops.shape(x[1]))]
        case "where":
            // where(c, a, b): the branch not taken gets exactly zero (no nan from it).
            let c = x[0]
            return [nil,
                    try ops.sumTo(ops.call("where", [c, g, 0.0.value]), ops.shape(x[1])),
                    try ops.sumTo(ops.call("where", [c, 0.0.value, g]), ops.shape(x[2]))]
        case "clip":
            // The gradient passes where the result is strictly inside the bounds,
            // zero at and beyond them (autograd's convention).
            var mask: Value = 1.0.value
            if x.count > 1, !isNone(x[1]) { mask = try ops.binary(.mul, mask, ops.binary(.notEqual, out, x[1])) }
            if x.count > 2, !isNone(x[2]) { mask = try ops.binary(.mul, mask, ops.binary(.notEqual, out, x[2])) }
            return try one(ops.mul(g, mask))
        case "sum", "mean":
            // d sum = g broadcast back over the reduced axes; mean divides by their size.
            var d = try expandReduced(g, input: a, axis: x.count > 1 ? x[1] : named["axis"],
                                      keepdims: x.count > 2 ? x[2] : named["keepdims"], ops: ops)
            if name == "mean" {
                let count = Double(max(1, sizeOf(a) / max(1, sizeOf(out))))
                d = try ops.div(d, count.value)
            }
            return try one(d)
        case "prod":
            // d prod / d a_i = the product of the other factors: the exclusive products
            // from the left and from the right, with no division (exact at zeros).
            let axisValue = x.count > 1 ? x[1] : named["axis"]
            let d = try expandReduced(g, input: a, axis: axisValue, keepdims: x.count > 2 ? x[2] : named["keepdims"], ops: ops)
            let shape = ops.shape(a)
            if shape.isEmpty { return try one(d) }
            var axis: Int? = nil
            if let v = axisValue, !isNone(v) {
                guard let axes = try Library.axes(Trace.concrete(v)), axes.count == 1 else {
                    let o = try expandReduced(out, input: a, axis: axisValue, keepdims: x.count > 2 ? x[2] : named["keepdims"], ops: ops)
                    return try one(ops.mul(d, ops.div(o, a)))
                }
                axis = axes[0] < 0 ? axes[0] + shape.count : axes[0]
            }
            let flat = axis == nil ? try ops.call("ravel", [a]) : a
            let k = axis ?? 0
            let others = try otherFactors(flat, axis: k, ops: ops)
            let shaped = axis == nil ? try ops.call("reshape", [others, ops.shapeValue(shape)]) : others
            return try one(ops.mul(d, shaped))
        case "max", "min", "amax", "amin":
            // The gradient goes to the extreme elements, split evenly between ties.
            let axis = x.count > 1 ? x[1] : named["axis"], keep = x.count > 2 ? x[2] : named["keepdims"]
            let o = try expandReduced(out, input: a, axis: axis, keepdims: keep, ops: ops)
            let mask = try ops.binary(.equal, a, o)
            let ties = try expandReduced(ops.call("sum", [mask], [("axis", axis ?? .none), ("keepdims", keep ?? .bool(false))]),
                                         input: a, axis: axis, keepdims: keep, ops: ops)
            let d = try expandReduced(g, input: a, axis: axis, keepdims: keep, ops: ops)
            return try one(ops.mul(d, ops.div(mask, ties)))
        case "reshape", "ravel", "flatten":
            return try one(ops.call("reshape", [g, ops.shapeValue(ops.shape(a))]))
        case "transpose":
            let axesValue = x.count > 1 ? x[1] : named["axes"]
            guard let axesValue, !isNone(axesValue) else { return try one(ops.call("transpose", [g])) }
            let perm = try Coerce.shape(Trace.concrete(axesValue), what: "axes")
            var inverse = [Int](repeating: 0, count: perm.count)
            for (i, p) in perm.enumerated() { inverse[(p + perm.count) % perm.count] = i }
            return try one(ops.call("transpose", [g, ops.shapeValue(inverse)]))
        case "outer":                                                            // d(a ⊗ b)
            return [try ops.call("reshape", [ops.binary(.matmul, g, ops.call("ravel", [x[1]])), ops.shapeValue(ops.shape(x[0]))]),
                    try ops.call("reshape", [ops.binary(.matmul, ops.call("ravel", [x[0]]), g), ops.shapeValue(ops.shape(x[1]))])]
        case "broadcast_to":
            return try one(g)
        case "sign", "floor", "ceil", "round", "isnan", "isinf", "isfinite", "argmax", "argmin",
             "less", "less_equal", "greater", "greater_equal", "equal", "not_equal", "logical_and",
             "logical_or", "logical_xor", "logical_not", "floor_divide", "isclose", "allclose", "any", "all",
             "zeros_like", "ones_like", "full_like", "int", "bool":
            return none                                                          // piecewise constant: zero
        case "stop_gradient":
            return none
        default:
            if let c = try RulesLibrary.call(name, x, named, keywords: keywords, out: out, g: g, ops: ops) { return c }

            throw ADLError(.notImplemented, "differentiating \(name)() is not supported yet")
        }
    }

    /// For each element of `a`, the product of the other elements along `axis`.
    static func otherFactors(_ a: Value, axis k: Int, ops: GradientOps) throws -> Value {
        let shape = ops.shape(a)
        let n = shape[k]
        if n == 0 { return a }
        var edge = shape
        edge[k] = 1
        let ones = Value.array(try NDArray.full(edge, 1, isBool: false))
        let all = Value.slice(SliceObject(start: .none, stop: .none, step: .none))
        func cut(_ v: Value, _ start: Int?, _ stop: Int?) throws -> Value {
            var index = [Value](repeating: all, count: k)
            index.append(.slice(SliceObject(start: start.map { .int($0) } ?? .none, stop: stop.map { .int($0) } ?? .none, step: .none)))
            return try ops.vm.getIndex(v, index)
        }
        let axis: (name: String, value: Value) = ("axis", .int(k))
        let fromLeft = try ops.call("cumprod", [a], [axis])
        let fromRight = try ops.call("flip", [ops.call("cumprod", [ops.call("flip", [a], [axis])], [axis])], [axis])
        let left = try ops.call("concatenate", [.tuple(TupleObject([ones, try cut(fromLeft, nil, -1)]))], [axis])
        let right = try ops.call("concatenate", [.tuple(TupleObject([try cut(fromRight, 1, nil), ones]))], [axis])
        return try ops.mul(left, right)
    }

    /// How many leading positional operands the rule of `name` reads.
    static func operandCount(_ name: String) -> Int {
        switch name {
        case "where", "swapaxes": return 3
        case "add", "subtract", "multiply", "divide", "true_divide", "power", "mod", "remainder", "matmul", "dot",
             "maximum", "minimum", "arctan2", "hypot", "logaddexp", "outer", "inner", "linalg.solve", "tile",
             "repeat", "pad": return 2
        case "index_add": return 3
        default: return 1
        }
    }

    /// d max(a, b): g where a wins, split evenly on ties.
    static func extremum(_ isMax: Bool, _ a: Value, _ b: Value, g: Value, ops: GradientOps) throws -> Cotangents {
        let wins = try ops.binary(isMax ? .greater : .less, a, b)
        let ties = try ops.binary(.equal, a, b)
        let share = try ops.call("where", [wins, 1.0.value, ops.call("where", [ties, 0.5.value, 0.0.value])])
        let other = try ops.sub(1.0.value, share)
        return [try ops.sumTo(ops.mul(g, share), ops.shape(a)), try ops.sumTo(ops.mul(g, other), ops.shape(b))]
    }

    /// `g` (the cotangent of a reduction's result) reshaped with the reduced axes
    /// kept as 1 and broadcast back to `input`'s shape.
    static func expandReduced(_ g: Value, input: Value, axis: Value?, keepdims: Value?, ops: GradientOps) throws -> Value {
        let shape = ops.shape(input)
        var d = g
        if let axis, !isNone(axis), !(try Operators.truth(Trace.concrete(keepdims ?? .bool(false)))) {
            var kept = shape
            for ax in try Library.axes(Trace.concrete(axis)) ?? [] {
                let k = ax < 0 ? ax + shape.count : ax
                if k >= 0 && k < kept.count { kept[k] = 1 }
            }
            d = try ops.call("reshape", [d, ops.shapeValue(kept)])
        }
        return try ops.broadcast(d, shape)
    }

    static func sizeOf(_ v: Value) -> Int {
        switch v {
        case .array(let a): return a.count
        // A tuple or list operand stands for the array NumPy makes of it.
        case .tuple, .list: return (try? Coerce.array(v).count) ?? 1
        default: return 1
        }
    }

    static func isNone(_ v: Value) -> Bool {
        if case .none = v { return true }
        return false
    }

    static func log(_ x: Double) -> Value { .float(Glibc.log(x)) }
}

extension Double {
    /// This number as an ADL float value.
    var value: Value { .float(self) }
}

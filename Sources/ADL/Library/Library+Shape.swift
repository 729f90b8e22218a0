// Shape queries and changes, products: shape size ndim reshape transpose
// ravel, matmul dot (OpenBLAS underneath).

extension Library {
    static func registerShapeAndLinearAlgebra(_ t: BuiltinTable) {
        t.register("shape") { _, args in
            let a = try Coerce.array(try args.bind("shape", ["a"], required: 1)[0] ?? .none)
            return .tuple(a.shape.map { .int($0) })
        }
        t.register("size") { _, args in
            .int(try Coerce.array(try args.bind("size", ["a"], required: 1)[0] ?? .none).count)
        }
        t.register("ndim") { _, args in
            .int(try Coerce.array(try args.bind("ndim", ["a"], required: 1)[0] ?? .none).ndim)
        }
        t.register("reshape") { _, args in
            // `shape=` is NumPy 2's keyword; the older `newshape=` is still accepted.
            let p = try args.bind("reshape", ["a", "shape", "newshape"], required: 1)
            guard let shape = p[1] ?? p[2] else {
                throw ADLError.argument("reshape() missing 1 required positional argument: 'shape'")
            }
            return Value.wrap(try Coerce.array(p[0] ?? .none).reshaped(try Coerce.shape(shape)))
        }
        t.register("transpose") { _, args in
            // transpose(a), transpose(a, (1, 0, 2)), and the method forms a.transpose(1, 0, 2).
            guard let first = args.positional.first else {
                let p = try args.bind("transpose", ["a", "axes"], required: 1)
                return try transpose(p[0] ?? .none, p[1])
            }
            let rest = Array(args.positional.dropFirst())
            if let kw = args.keywords.first(where: { $0.name != "axes" }) {
                throw ADLError.argument("transpose() got an unexpected keyword argument '\(kw.name)'")
            }
            let axes: Value? = rest.count > 1 ? .tuple(rest) : rest.first ?? args.keywords.first?.value
            return try transpose(first, axes)
        }
        for name in ["ravel", "flatten"] {
            t.register(name) { _, args in
                let a = try Coerce.array(try args.bind(name, ["a"], required: 1)[0] ?? .none)
                return .array(try a.reshaped([a.count]))
            }
        }
        t.register("matmul") { _, args in
            let p = try args.bind("matmul", ["x1", "x2"], required: 2)
            return Value.wrap(try NDArray.matmul(try Coerce.array(p[0] ?? .none), try Coerce.array(p[1] ?? .none)))
        }
        t.register("dot") { _, args in
            let p = try args.bind("dot", ["a", "b"], required: 2)
            let a = p[0] ?? .none, b = p[1] ?? .none
            if Operators.number(a) != nil || Operators.number(b) != nil { return try scalarDot(a, b) }
            return Value.wrap(try NDArray.dot(try Coerce.array(a), try Coerce.array(b)))
        }
    }

    /// Array methods: `x.sum(axis=0)` calls the builtin with `x` first.
    static func registerMethods(_ t: BuiltinTable) {
        for name in ["sum", "mean", "prod", "any", "all", "argmax", "argmin", "transpose",
                     "ravel", "flatten", "dot", "copy", "round", "clip"] {
            if let f = t.function(named: name) { t.arrayMethods[name] = f }
        }
        // `x.max(0)` reduces along axis 0 (the builtin `max(a, b)` would compare elementwise).
        for (name, kind) in [("max", NDArray.Reduction.max), ("min", .min)] {
            t.arrayMethods[name] = BuiltinFunction(name) { _, args in
                let p = try args.bind(name, ["a", "axis", "keepdims"], required: 1)
                return try reduce(kind, p[0] ?? .none, axis: p[1], keepdims: p[2])
            }
        }
        t.arrayMethods["reshape"] = BuiltinFunction("reshape") { _, args in
            // x.reshape(2, 3) and x.reshape((2, 3)) both work.
            guard let receiver = args.positional.first else { throw ADLError.argument("reshape() needs an array") }
            let rest = Array(args.positional.dropFirst())
            let shapeValue: Value
            if rest.count == 1 { shapeValue = rest[0] }
            else if let kw = args.keywords.first(where: { $0.name == "shape" || $0.name == "newshape" }) { shapeValue = kw.value }
            else { shapeValue = .tuple(rest) }
            return Value.wrap(try Coerce.array(receiver).reshaped(try Coerce.shape(shapeValue)))
        }
        t.arrayMethods["item"] = BuiltinFunction("item") { _, args in
            guard let receiver = args.positional.first else { throw ADLError.argument("item() needs an array") }
            let a = try Coerce.array(receiver)
            guard a.count == 1 else { throw ADLError.value("can only convert an array of size 1 to a Python scalar") }
            return a.isBool ? .bool(a.data[0] != 0) : .float(a.data[0])
        }
        t.arrayMethods["tolist"] = BuiltinFunction("tolist") { _, args in
            guard let receiver = args.positional.first else { throw ADLError.argument("tolist() needs an array") }
            let a = try Coerce.array(receiver)
            // tolist makes one list per index of every axis but the last: bound them all.
            var lists = 1
            for dim in a.shape.dropLast() {
                let (product, overflow) = lists.multipliedReportingOverflow(by: Swift.max(dim, 1))
                lists = overflow ? Int.max : product
            }
            if lists > 1 << 24 {
                throw ADLError.memory("tolist() of an array of shape \(Formatting.shape(a.shape)) would make more than \(1 << 24) lists")
            }
            return toList(a)
        }
    }

    static func transpose(_ v: Value, _ axes: Value?) throws -> Value {
        let a = try Coerce.array(v)
        guard let axes = axes.nonNone else { return Value.wrap(a.transposed()) }
        let order = try Coerce.shape(axes, what: "axes")
        guard order.count == a.ndim else { throw ADLError.value("axes don't match array") }
        return Value.wrap(try a.permuted(order.map { $0 < 0 ? $0 + a.ndim : $0 }))
    }

    static func toList(_ a: NDArray) -> Value {
        if a.shape.isEmpty { return a.isBool ? .bool(a.data[0] != 0) : .float(a.data[0]) }
        var rows: [Value] = []
        for i in 0..<(a.shape.first ?? 0) {
            if let row = try? a.get([.int(i)]) { rows.append(toList(row)) }
        }
        return .list(ListObject(rows))
    }
}

// Array creation: array zeros ones full eye identity arange linspace, the
// `_like` forms and copy. Shapes are ints or tuples of ints; integral floats
// are accepted as sizes (SPEC §13).

extension Library {
    static func registerCreation(_ t: BuiltinTable) {
        t.register("array") { _, args in
            let p = try args.bind("array", ["object", "dtype", "copy"], required: 1)
            let v = p[0] ?? .none
            let wantBool = try dtypeIsBool(p[1])
            var a = try Coerce.array(v, what: "array() argument")
            if case .array(let existing) = v { a = existing.copy() }
            if let wantBool, wantBool != a.isBool { a = try converted(a, toBool: wantBool) }
            return Value.wrap(a)
        }
        t.register("asarray") { _, args in
            let p = try args.bind("asarray", ["a"], required: 1)
            return Value.wrap(try Coerce.array(p[0] ?? .none))
        }
        for (name, fill) in [("zeros", 0.0), ("ones", 1.0)] {
            t.register(name) { _, args in
                let p = try args.bind(name, ["shape", "dtype"], required: 1)
                let isBool = try dtypeIsBool(p[1]) ?? false
                return Value.wrap(try NDArray.full(try Coerce.shape(p[0] ?? .none), fill, isBool: isBool))
            }
            t.register(name + "_like") { _, args in
                let p = try args.bind(name + "_like", ["a", "dtype"], required: 1)
                let a = try Coerce.array(p[0] ?? .none)
                let isBool = try dtypeIsBool(p[1]) ?? a.isBool
                return Value.wrap(try NDArray.full(a.shape, fill, isBool: isBool))
            }
        }
        t.register("full") { _, args in
            let p = try args.bind("full", ["shape", "fill_value", "dtype"], required: 2)
            let fill = p[1] ?? .none
            var isBool = false
            if case .bool = fill { isBool = true }
            isBool = try dtypeIsBool(p[2]) ?? isBool
            return Value.wrap(try NDArray.full(try Coerce.shape(p[0] ?? .none), try Coerce.double(fill, what: "fill_value"), isBool: isBool))
        }
        t.register("full_like") { _, args in
            let p = try args.bind("full_like", ["a", "fill_value", "dtype"], required: 2)
            let a = try Coerce.array(p[0] ?? .none)
            let isBool = try dtypeIsBool(p[2]) ?? a.isBool
            return Value.wrap(try NDArray.full(a.shape, try Coerce.double(p[1] ?? .none, what: "fill_value"), isBool: isBool))
        }
        t.register("eye") { _, args in
            let p = try args.bind("eye", ["N", "M", "k", "dtype"], required: 1)
            let n = try Coerce.int(p[0] ?? .none, what: "N")
            let m = try p[1].nonNone.map { try Coerce.int($0, what: "M") }
            let k = try p[2].nonNone.map { try Coerce.int($0, what: "k") } ?? 0
            return Value.wrap(try NDArray.eye(n, m, k: k))
        }
        t.register("identity") { _, args in
            let p = try args.bind("identity", ["n", "dtype"], required: 1)
            return Value.wrap(try NDArray.eye(try Coerce.int(p[0] ?? .none, what: "n"), nil, k: 0))
        }
        t.register("arange") { _, args in
            let p = try args.bind("arange", ["start", "stop", "step", "dtype"], required: 1)
            var start = 0.0, stop: Double, step = 1.0
            if let s = p[1].nonNone {
                start = try Coerce.double(p[0] ?? .none, what: "start")
                stop = try Coerce.double(s, what: "stop")
            } else {
                stop = try Coerce.double(p[0] ?? .none, what: "stop")
            }
            if let s = p[2].nonNone { step = try Coerce.double(s, what: "step") }
            return .array(try NDArray.arange(start: start, stop: stop, step: step))
        }
        t.register("linspace") { _, args in
            let p = try args.bind("linspace", ["start", "stop", "num", "endpoint"], required: 2)
            let num = try p[2].nonNone.map { try Coerce.int($0, what: "num") } ?? 50
            if num < 0 { throw ADLError.value("Number of samples, \(num), must be non-negative.") }
            let endpoint = try bool(p[3], default: true)
            return .array(try NDArray.linspace(try Coerce.double(p[0] ?? .none, what: "start"),
                                               try Coerce.double(p[1] ?? .none, what: "stop"),
                                               num: num, endpoint: endpoint))
        }
        t.register("copy") { _, args in
            let v = try args.bind("copy", ["a"], required: 1)[0] ?? .none
            if case .array(let a) = v { return .array(a.copy()) }
            return v
        }
    }

    /// `dtype=` as nil (not given), true for bool, false for float.
    static func dtypeIsBool(_ v: Value?) throws -> Bool? {
        guard let v = v.nonNone else { return nil }
        switch v {
        case .builtin(let b) where b.name == "bool": return true
        case .builtin(let b) where b.name == "float" || b.name == "int": return false
        case .string(let s):
            switch s.value {
            case "bool": return true
            case "float", "float64", "f8", "float32", "int", "int64", "int32": return false
            default: throw ADLError.type("data type '\(s.value)' not understood (ADL arrays are float64 or bool)")
            }
        default: throw ADLError.type("data type not understood (ADL arrays are float64 or bool)")
        }
    }

    static func converted(_ a: NDArray, toBool: Bool) throws -> NDArray {
        let out = try NDArray(shape: a.shape, isBool: toBool)
        for i in 0..<a.count { out.data[i] = toBool ? (a.data[i] != 0 ? 1 : 0) : a.data[i] }
        return out
    }
}

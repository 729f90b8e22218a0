// Random numbers as NumPy's legacy `np.random` functions: seed, rand, randn,
// random_sample (random), standard_normal, uniform, normal. One `RandomState`
// per builtin table, so each interpreter has its own stream and nothing is a
// global mutable.
//
// The rules follow `RandomState` and its `cont` helper: without `size` and
// with scalar parameters the result is a float; with array parameters the
// result has their broadcast shape, or `size`, which they must broadcast to;
// one draw per element in C order.

extension Library {
    static func registerRandom(_ t: BuiltinTable) {
        let state = RandomState()

        t.register("random.seed") { _, args in
            let p = try args.bind("seed", ["seed"], required: 0)
            guard let seed = p[0].nonNone else {
                state.seedFromClock()
                return .none
            }
            try seedState(state, seed)
            return .none
        }
        for (name, normal) in [("rand", false), ("randn", true)] {
            t.register("random." + name) { _, args in
                if let kw = args.keywords.first {
                    throw ADLError.argument("\(name)() got an unexpected keyword argument '\(kw.name)'")
                }
                if args.positional.isEmpty { return .float(normal ? state.nextGauss() : state.nextDouble()) }
                let shape = try args.positional.map { try Coerce.int($0, what: "\(name)() dimension") }
                return .array(try filled(shape, state, normal: normal))
            }
        }
        for (name, normal) in [("random_sample", false), ("random", false), ("standard_normal", true)] {
            t.register("random." + name) { _, args in
                let p = try args.bind(name, ["size"], required: 0)
                guard let size = p[0].nonNone else { return .float(normal ? state.nextGauss() : state.nextDouble()) }
                return Value.wrap(try filled(try Coerce.shape(size, what: "size"), state, normal: normal))
            }
        }
        t.register("random.uniform") { _, args in
            let p = try args.bind("uniform", ["low", "high", "size"], required: 0)
            let low = try Coerce.array(p[0].nonNone ?? .float(0), what: "low")
            let high = try Coerce.array(p[1].nonNone ?? .float(1), what: "high")
            let range = try NDArray.binary(.sub, high, low)
            for i in 0..<range.count where !range.data[i].isFinite {
                throw ADLError(.overflow, "Range exceeds valid bounds")
            }
            return try continuous(low, range, size: p[2], state, normal: false)
        }
        t.register("random.normal") { _, args in
            let p = try args.bind("normal", ["loc", "scale", "size"], required: 0)
            let loc = try Coerce.array(p[0].nonNone ?? .float(0), what: "loc")
            let scale = try Coerce.array(p[1].nonNone ?? .float(1), what: "scale")
            // NumPy's CONS_NON_NEGATIVE: a sign bit is refused (-0.0 too), nan passes.
            for i in 0..<scale.count where !scale.data[i].isNaN && scale.data[i].sign == .minus {
                throw ADLError.value("scale < 0")
            }
            return try continuous(loc, scale, size: p[2], state, normal: true)
        }
    }

    /// Seeds `state` as `RandomState.seed` does: an int in [0, 2**32) through
    /// init_genrand, a non-empty 1-d sequence of such ints through init_by_array.
    private static func seedState(_ state: RandomState, _ seed: Value) throws {
        func word(_ v: Value) throws -> UInt32 {
            let n = try Coerce.int(v, what: "seed")
            guard n >= 0, n <= Int(UInt32.max) else { throw ADLError.value("Seed must be between 0 and 2**32 - 1") }
            return UInt32(n)
        }
        switch seed {
        case .int, .float, .bool:
            state.seed(try word(seed))
        case .array(let a) where a.ndim != 1 && a.count == 1:
            state.seed(try word(.float(a.data[0])))  // NumPy squeezes a one-element array to an int
        case .array(let a):
            // A 1-d array is what a list display `[1, 2]` makes: it seeds as NumPy's list does.
            if a.count == 0 { throw ADLError.value("Seed must be non-empty") }
            if a.ndim != 1 { throw ADLError.value("Seed array must be 1-d") }
            state.seed(words: try (0..<a.count).map { try word(.float(a.data[$0])) })
        case .list(let l):
            try seedState(state, sequence: l.items)
        case .tuple(let t):
            try seedState(state, sequence: t.items)
        default:
            throw ADLError.type("seed must be an integer or a sequence of integers, not '\(seed.typeName)'")
        }
    }

    /// Seeds `state` from the items of a list or tuple (a list of ints, or any array display).
    private static func seedState(_ state: RandomState, sequence items: [Value]) throws {
        if items.isEmpty { throw ADLError.value("Seed must be non-empty") }
        let words = try items.map { item -> UInt32 in
            if case .array = item { throw ADLError.value("Seed array must be 1-d") }
            let n = try Coerce.int(item, what: "seed")
            guard n >= 0, n <= Int(UInt32.max) else { throw ADLError.value("Seed must be between 0 and 2**32 - 1") }
            return UInt32(n)
        }
        state.seed(words: words)
    }

    /// A fresh array of `shape` filled with uniform or standard normal numbers.
    private static func filled(_ shape: [Int], _ state: RandomState, normal: Bool) throws -> NDArray {
        let out = try NDArray(uninitializedShape: shape)
        if normal {
            state.fillGauss(out.data, count: out.count)
        } else {
            state.fillUniform(out.data, count: out.count)
        }
        return out
    }


    /// NumPy's `cont` for the two distributions here, both `a + b * sample`
    /// (uniform: low + range * u; normal: loc + scale * z): a float when both
    /// parameters are scalars and `size` is absent, else an array of `size` (or
    /// of the parameters' broadcast shape) with one draw per element in C order.
    private static func continuous(_ a: NDArray, _ b: NDArray, size: Value?, _ state: RandomState,
                                   normal: Bool) throws -> Value {
        let sizeShape = try size.nonNone.map { try Coerce.shape($0, what: "size") }
        if a.ndim == 0 && b.ndim == 0 && sizeShape == nil {
            return .float(a.data[0] + b.data[0] * (normal ? state.nextGauss() : state.nextDouble()))
        }
        let shape: [Int]
        if let sizeShape {
            if sizeShape.contains(where: { $0 < 0 }) { throw ADLError.value("negative dimensions are not allowed") }
            let joint = try broadcastArguments([sizeShape, a.shape, b.shape])
            if joint != sizeShape {
                throw ADLError.value("Output size \(formatShape(sizeShape)) is not compatible with broadcast dimensions of inputs \(formatShape(joint)).")
            }
            shape = sizeShape
        } else {
            shape = try broadcastArguments([a.shape, b.shape])
        }
        let x = try a.broadcast(to: shape), y = try b.broadcast(to: shape)
        let out = try filled(shape, state, normal: normal)
        for i in 0..<out.count { out.data[i] = x.data[i] + y.data[i] * out.data[i] }
        return Value.wrap(out)
    }

    /// The broadcast shape of several arguments, with NumPy's multi-iterator
    /// error naming the first two arguments whose dimensions disagree.
    static func broadcastArguments(_ shapes: [[Int]]) throws -> [Int] {
        let nd = shapes.map(\.count).max() ?? 0
        var result = [Int](repeating: 1, count: nd)
        for axis in 0..<nd {
            var source = 0
            for (j, shape) in shapes.enumerated() {
                let k = axis + shape.count - nd
                guard k >= 0, shape[k] != 1 else { continue }
                if result[axis] == 1 {
                    result[axis] = shape[k]
                    source = j
                } else if result[axis] != shape[k] {
                    throw ADLError.shape("shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between arg \(source) with shape \(formatShape(shapes[source])) and arg \(j) with shape \(formatShape(shape)).")
                }
            }
        }
        return result
    }
}

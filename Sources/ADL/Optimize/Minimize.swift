// The front end shared by `minimize` and `fmin_l_bfgs_b` (SPEC §10): reading
// x0, bounds and options as SciPy reads them, choosing the gradient source,
// and turning an OptimizeOutcome into the values SciPy returns. The builtins
// themselves are registered in Library/Library+Optimize.swift.
//
// Where ADL goes beyond SciPy (documented in Docs+Optimize.swift and README):
// x0 may have any shape — the optimiser works on it flattened and x, jac come
// back in x0's shape (a scalar x0 gives floats); `bounds` may be one pair for
// every variable; an unknown option is an error rather than a warning.

enum Minimize {
    /// x0 as a flat vector and its shape.
    static func startingPoint(_ v: Value, caller: String) throws -> ([Double], [Int]) {
        let a = try Coerce.array(v, what: "\(caller)(): x0").asFloat()
        return (Array(UnsafeBufferPointer(start: a.data, count: a.count)), a.shape)
    }

    /// The lower and upper bound of each of `n` variables (±inf where unbounded).
    /// Accepts None, a sequence of n `(lo, hi)` pairs (None for no bound), a single
    /// pair for every variable, or an n×2 array.
    static func bounds(_ v: Value?, n: Int, caller: String) throws -> ([Double], [Double]) {
        var lower = [Double](repeating: -.infinity, count: n)
        var upper = [Double](repeating: .infinity, count: n)
        guard let v = v.nonNone else { return (lower, upper) }
        let pairs: [Value]
        switch v {
        case .list(let l): pairs = l.items
        case .tuple(let t): pairs = t.items
        case .array(let a) where a.ndim == 2 && a.shape[1] == 2:
            pairs = (0..<a.shape[0]).map { i in .tuple([.float(a.data[2 * i]), .float(a.data[2 * i + 1])]) }
        case .array(let a) where a.ndim == 1 && a.count == 2:
            pairs = [.float(a.data[0]), .float(a.data[1])]
        default:
            throw ADLError.type("\(caller)(): bounds must be a list of (min, max) pairs, not a '\(v.typeName)'")
        }
        // A single pair of numbers (or None) bounds every variable.
        if pairs.count == 2, pairs.allSatisfy({ isBound($0) }) {
            let (lo, hi) = try pair(v, index: nil, caller: caller)
            return (Array(repeating: lo, count: n), Array(repeating: hi, count: n))
        }
        guard pairs.count == n else {
            throw ADLError.value("\(caller)(): bounds has \(pairs.count) pair\(pairs.count == 1 ? "" : "s") but x0 has \(n) element\(n == 1 ? "" : "s"); give one (min, max) pair per element, or a single pair for all")
        }
        for (i, p) in pairs.enumerated() { (lower[i], upper[i]) = try pair(p, index: i, caller: caller) }
        return (lower, upper)
    }

    /// True for what may stand as one bound: a number or None.
    private static func isBound(_ v: Value) -> Bool {
        switch v {
        case .none, .int, .float: return true
        case .array(let a): return a.shape.isEmpty
        default: return false
        }
    }

    private static func pair(_ v: Value, index: Int?, caller: String) throws -> (Double, Double) {
        let which = index.map { " for element \($0)" } ?? ""
        let items: [Value]
        switch v {
        case .tuple(let t): items = t.items
        case .list(let l): items = l.items
        case .array(let a) where a.ndim == 1: items = (0..<a.count).map { .float(a.data[$0]) }
        default:
            throw ADLError.type("\(caller)(): each bound must be a (min, max) pair, but the bound\(which) is a '\(v.typeName)'")
        }
        guard items.count == 2 else {
            throw ADLError.value("\(caller)(): each bound must be a (min, max) pair, but the bound\(which) has \(items.count) element\(items.count == 1 ? "" : "s")")
        }
        func number(_ v: Value, _ missing: Double) throws -> Double {
            if v.isNone { return missing }
            guard isBound(v) else {
                throw ADLError.type("\(caller)(): a bound must be a number or None, but the bound\(which) holds a '\(v.typeName)'")
            }
            let x = try Coerce.double(v, what: "a bound")
            if x.isNaN { throw ADLError.value("\(caller)(): a bound\(which) is nan; use None for no bound") }
            return x
        }
        let lo = try number(items[0], -.infinity), hi = try number(items[1], .infinity)
        if lo > hi {
            throw ADLError.value("\(caller)(): the lower bound \(NumberFormat.pythonFloat(lo)) is greater than the upper bound \(NumberFormat.pythonFloat(hi))\(which)")
        }
        return (lo, hi)
    }

    /// x0 clipped into the bounds, as SciPy does before starting.
    static func clip(_ x: [Double], _ lower: [Double], _ upper: [Double]) -> [Double] {
        var out = x
        for i in out.indices { out[i] = Swift.min(Swift.max(out[i], lower[i]), upper[i]) }
        return out
    }

    /// `extra` as the list of extra arguments (`args=`): a tuple, a list, or one value.
    static func extraArguments(_ v: Value?) -> [Value] {
        guard let v = v.nonNone else { return [] }
        switch v {
        case .tuple(let t): return t.items
        case .list(let l): return l.items
        default: return [v]
        }
    }

    /// A flat vector in x0's shape: a float for a 0-d x0, else an array.
    static func shaped(_ values: [Double], _ shape: [Int]) throws -> Value {
        if shape.isEmpty { return .float(values.first ?? 0) }
        return .array(try NDArray(shape: shape, values: values))
    }

    /// minimize's record: SciPy's fields in SPEC §13's order (BFGS adds
    /// `hess_inv` after `jac`, Newton-CG `nhev` after `njev`).
    static func record(_ r: OptimizeOutcome, shape: [Int]) throws -> Value {
        let record = RecordObject()
        record.set("fun", .float(r.fun))
        record.set("x", try shaped(r.x, shape))
        record.set("jac", try shaped(r.jac, shape))
        if let h = r.inverseHessian {
            let n = r.x.count
            record.set("hess_inv", .array(try NDArray(shape: [n, n], values: h)))
        }
        record.set("nit", .int(r.nit))
        record.set("nfev", .int(r.nfev))
        record.set("njev", .int(r.njev))
        if let nhev = r.nhev { record.set("nhev", .int(nhev)) }
        record.set("status", .int(r.status))
        record.set("success", .bool(r.success))
        record.set("message", .string(r.message))
        return .record(record)
    }

    // MARK: - Options

    /// The options record (or None) as name/value pairs, every name checked against `known`.
    static func options(_ v: Value?, known: [String], method: String) throws -> [String: Value] {
        guard let v = v.nonNone else { return [:] }
        guard case .record(let r) = v else {
            throw ADLError.type("minimize(): options must be a record such as {\"maxiter\": 100}, not a '\(v.typeName)'")
        }
        var out: [String: Value] = [:]
        for (k, value) in zip(r.keys, r.values) {
            guard known.contains(k) else {
                var error = ADLError.value("minimize(): unknown option '\(k)' for method \(method); its options are \(known.joined(separator: " "))")
                if let s = Suggestions.closest(to: k, among: known) { error.notes.append("did you mean '\(s)'?") }
                throw error
            }
            if !value.isNone { out[k] = value }
        }
        return out
    }

    static func int(_ options: [String: Value], _ key: String, _ dflt: Int) throws -> Int {
        guard let v = options[key] else { return dflt }
        return try Coerce.int(v, what: "the option \(key)")
    }

    static func double(_ options: [String: Value], _ key: String, _ dflt: Double) throws -> Double {
        guard let v = options[key] else { return dflt }
        return try Coerce.double(v, what: "the option \(key)")
    }
}

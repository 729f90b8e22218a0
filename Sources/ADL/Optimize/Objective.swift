// The function an optimiser minimises, seen as f: Rⁿ → R on flat vectors of
// doubles, with its gradient. The user's `x0` may have any shape: each point is
// reshaped to it before `f` sees it (a scalar x0 gives `f` a float), and each
// gradient is flattened back.
//
// Counting follows SciPy's ScalarFunction, so that `nfev`/`njev` mean what they
// mean in SciPy: f and its gradient are remembered at the last point; a request
// at a new point counts one evaluation of what was asked for (a gradient by
// finite differences also counts its n extra function evaluations), and the
// same point again counts nothing. ADL may do less work than it counts: the
// automatic gradient computes f and ∇f in one traced evaluation.

final class Objective {
    /// Where the gradient comes from.
    enum GradientSource {
        /// `value_and_grad(f)`: one compiled evaluation gives f and ∇f.
        case automatic(Differentiator)
        /// A user gradient `jac(x, *args)`.
        case function(Value)
        /// `f` itself returns `(value, gradient)` (SciPy's `jac=True`).
        case combined
        /// Forward differences, turned around near an upper bound as SciPy does:
        /// with absolute step `step` (SciPy's `epsilon`, used for `approx_grad` and
        /// `jac=False`), or with nil the relative step √ε·max(1, |x|) (`jac='2-point'`).
        case finiteDifferences(step: Double?)
    }

    let vm: VM
    let function: Value
    /// Extra arguments after x (`args=`).
    let arguments: [Value]
    /// The shape of x0; every point is given to `f` in this shape.
    let shape: [Int]
    /// The number of variables.
    let n: Int
    private(set) var source: GradientSource
    /// fmin_l_bfgs_b's SciPy convention: with no gradient given, `f` may return
    /// `(value, gradient)`. When the first automatic evaluation fails, a plain
    /// call tells whether `f` does; if so the objective switches to `.combined`.
    var acceptsPairResult = false
    /// The builtin's name, for error messages (`minimize`, `fmin_l_bfgs_b`).
    let caller: String
    /// Bounds, used only to keep finite-difference steps inside them.
    var lower: [Double]
    var upper: [Double]

    /// SciPy's counters.
    private(set) var nfev = 0
    private(set) var njev = 0

    // The last point, and what has been counted (SciPy's "updated" flags) and
    // computed there.
    private var point: [Double] = []
    private var hasPoint = false
    private var valueCounted = false
    private var gradientCounted = false
    private var knownValue: Double?
    private var knownGradient: [Double]?

    /// Another gradient source (minimize's `eps` option changes the finite-difference step).
    func replaceSource(_ source: GradientSource) {
        self.source = source
    }

    init(vm: VM, function: Value, arguments: [Value], shape: [Int], source: GradientSource, caller: String) {
        self.vm = vm
        self.function = function
        self.arguments = arguments
        self.shape = shape
        self.n = shape.reduce(1, *)
        self.source = source
        self.caller = caller
        self.lower = Array(repeating: -.infinity, count: n)
        self.upper = Array(repeating: .infinity, count: n)
    }

    // MARK: - Requests, counted as SciPy counts them

    /// f(x).
    func value(_ x: [Double]) throws -> Double {
        move(to: x)
        if !valueCounted { nfev += 1; valueCounted = true }
        if let f = knownValue { return f }
        let f = try computeValue(x)
        knownValue = f
        return f
    }

    /// ∇f(x).
    func gradient(_ x: [Double]) throws -> [Double] {
        move(to: x)
        if case .finiteDifferences = source { _ = try value(x) }  // the differences start from f(x)
        if !gradientCounted { njev += 1; gradientCounted = true }
        if let g = knownGradient { return g }
        let g = try computeGradient(x)
        knownGradient = g
        return g
    }

    /// f(x) and ∇f(x) (SciPy's `fun_and_grad`).
    func valueAndGradient(_ x: [Double]) throws -> (Double, [Double]) {
        move(to: x)
        if knownValue == nil, knownGradient == nil {
            switch source {
            case .automatic, .combined:
                let (f, g) = try computeBoth(x)
                knownValue = f
                knownGradient = g
            case .function, .finiteDifferences:
                break
            }
        }
        return (try value(x), try gradient(x))
    }

    /// Forgets what was known at the last point when `x` differs from it.
    private func move(to x: [Double]) {
        if hasPoint && x == point { return }
        point = x
        hasPoint = true
        valueCounted = false
        gradientCounted = false
        knownValue = nil
        knownGradient = nil
    }

    // MARK: - Evaluations

    /// `x` in the shape of x0: a float for a 0-d x0, else an array.
    func argument(_ x: [Double]) throws -> Value {
        if shape.isEmpty { return .float(x[0]) }
        return .array(try NDArray(shape: shape, values: x))
    }

    private func call(_ f: Value, _ x: [Double]) throws -> Value {
        try vm.call(f, Arguments([try argument(x)] + arguments))
    }

    private func computeValue(_ x: [Double]) throws -> Double {
        switch source {
        case .combined:
            let (f, g) = try computeBoth(x)
            knownGradient = g
            return f
        case .automatic, .function, .finiteDifferences:
            return try scalar(try call(function, x))
        }
    }

    private func computeGradient(_ x: [Double]) throws -> [Double] {
        switch source {
        case .automatic, .combined:
            let (f, g) = try computeBoth(x)
            if knownValue == nil { knownValue = f }
            return g
        case .function(let jac):
            return try flat(try call(jac, x), what: "the gradient returned by jac")
        case .finiteDifferences(let step):
            return try differences(x, step: step)
        }
    }

    private func computeBoth(_ x: [Double]) throws -> (Double, [Double]) {
        switch source {
        case .automatic(let d):
            do {
                let r = try d.run(vm, Arguments([try argument(x)] + arguments))
                acceptsPairResult = false
                return (try scalar(r[0]), try flat(r[1], what: "the gradient"))
            } catch let error as ADLError where acceptsPairResult && (error.kind == .type || error.kind == .shape) {
                acceptsPairResult = false
                guard case .tuple(let t) = try call(function, x), t.items.count == 2 else { throw error }
                source = .combined
                return (try scalar(t.items[0]), try flat(t.items[1], what: "the gradient returned by the function"))
            }
        case .combined:
            let result = try call(function, x)
            guard case .tuple(let t) = result, t.items.count == 2 else {
                throw ADLError.type("\(caller)(): with jac=True the function must return a tuple (value, gradient), not a '\(result.typeName)'")
            }
            return (try scalar(t.items[0]), try flat(t.items[1], what: "the gradient returned by the function"))
        case .function, .finiteDifferences:
            return (try computeValue(x), try computeGradient(x))
        }
    }

    /// SciPy's 2-point forward differences with an absolute step: each step
    /// that would leave the bounds goes the other way if that fits, else
    /// spans the larger remaining room. Each evaluation counts in `nfev`.
    private func differences(_ x: [Double], step: Double?) throws -> [Double] {
        let f0 = try value(x)
        var g = [Double](repeating: 0, count: n)
        var probe = x
        for i in 0..<n {
            let relative = (x[i] >= 0 ? 1 : -1) * Double.ulpOfOne.squareRoot() * Swift.max(1, Swift.abs(x[i]))
            var h = step ?? relative
            if (x[i] + h) - x[i] == 0 { h = relative }
            let lo = lower[i], hi = upper[i]
            if lo.isFinite || hi.isFinite {
                let below = x[i] - lo, above = hi - x[i]
                let fits = Swift.abs(h) <= Swift.max(below, above)
                if x[i] + h < lo || x[i] + h > hi {
                    if fits { h = -h } else { h = above >= below ? above : -below }
                } else if !fits {
                    h = above >= below ? above : -below
                }
            }
            probe[i] = x[i] + h
            let dx = probe[i] - x[i]
            nfev += 1
            let f = try scalar(try call(function, probe))
            g[i] = (f - f0) / dx
            probe[i] = x[i]
        }
        return g
    }

    // MARK: - Checking results

    /// The objective's value as a finite double: a number or a one-element array.
    private func scalar(_ v: Value) throws -> Double {
        let f = try number(v)
        if !f.isFinite {
            throw ADLError.value("\(caller)(): the objective returned \(NumberFormat.pythonFloat(f)) (evaluation \(Swift.max(nfev, 1))); minimization needs finite values")
        }
        return f
    }

    private func number(_ v: Value) throws -> Double {
        switch v {
        case .float(let x): return x
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .array(let a) where a.count == 1: return a.data[0]
        case .array(let a):
            throw ADLError.type("\(caller)(): the objective must return a number, but \(Library.functionName(function)) returned an array of shape \(Formatting.shape(a.shape))")
        case .tuple:
            throw ADLError.type("\(caller)(): the objective must return a number, but \(Library.functionName(function)) returned a tuple; pass jac=True if it returns (value, gradient)")
        default:
            throw ADLError.type("\(caller)(): the objective must return a number, not a '\(v.typeName)'")
        }
    }

    /// A finite gradient with one element per variable, flattened.
    private func flat(_ v: Value, what: String) throws -> [Double] {
        let g = try elements(v, what: what)
        if let i = g.firstIndex(where: { !$0.isFinite }) {
            throw ADLError.value("\(caller)(): \(what) has \(NumberFormat.pythonFloat(g[i])) in element \(i) (evaluation \(Swift.max(nfev, 1))); minimization needs finite values")
        }
        return g
    }

    private func elements(_ v: Value, what: String) throws -> [Double] {
        switch v {
        case .float(let x) where n == 1: return [x]
        case .int(let i) where n == 1: return [Double(i)]
        case .array(let a) where a.count == n && !a.isBool:
            return Array(UnsafeBufferPointer(start: a.data, count: n))
        case .array(let a):
            throw ADLError.shape("\(caller)(): \(what) has shape \(Formatting.shape(a.shape)), but x0 has shape \(Formatting.shape(shape))")
        default:
            throw ADLError.type("\(caller)(): \(what) must be an array with one element per variable, not a '\(v.typeName)'")
        }
    }
}

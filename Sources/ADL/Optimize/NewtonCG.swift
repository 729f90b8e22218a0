// minimize(method="Newton-CG"): the line-search Newton-CG method (truncated
// Newton; Nocedal & Wright, Algorithm 7.1) in the form SciPy 1.17 uses, so
// that iterates and counts agree with SciPy given the same Hessian products:
//
//   each outer iteration solves ∇²f p = -∇f approximately by conjugate
//   gradients, stopping when ‖r‖₁ ≤ η ‖∇f‖₁ with η = min(0.5, √‖∇f‖₁), when
//   the curvature pᵀ∇²f p is tiny (≤ 3ε), or at negative curvature (then the
//   direction so far, or the steepest descent direction scaled by ‖r‖²/|curv|
//   on the first CG step); then a strong-Wolfe line search (c1, c2, steps in
//   [1e-8, 50]) from the Newton step; stop when ‖α p‖₁ ≤ n · xtol.
//
// The Hessian-vector products ∇²f(x) v are exact by default: the autodiff
// engine differentiates x ↦ ∇f(x) · v once more (one compiled trace, cached by
// shapes), so no Hessian is ever formed. `hessp(x, p, *args)` or
// `hess(x, *args)` from the user replace it, as in SciPy.

import COpenBLAS

struct NewtonCGSettings {
    var xtol = 1e-5
    var maxiter: Int
    var c1 = 1e-4
    var c2 = 0.9
    var display = false

    init(n: Int) { maxiter = 200 * n }
}

enum NewtonCG {
    enum HessianSource {
        /// ∇²f(x) v from the autodiff engine: the gradient of x ↦ ∇f(x) · v.
        case automatic(Differentiator)
        /// A user `hessp(x, p, *args)`.
        case product(Value)
        /// A user `hess(x, *args)`, evaluated once per outer iteration.
        case matrix(Value)
    }

    /// The Differentiator of (x, v, *args) ↦ ∇f(x) · v with respect to x, whose
    /// gradient is ∇²f(x) v. `f` is the objective, or its gradient when `isGradient`.
    static func hessianVectorProduct(_ f: Value, isGradient: Bool = false) -> Differentiator {
        let name = Library.functionName(f)
        let inner = isGradient ? nil : Differentiator(function: f, argnums: [0], mode: .elementwise, kind: "grad",
                                                      returnsValue: false)
        let pairing = BuiltinFunction("hvp(\(name))") { vm, args in
            let x = args.positional[0], v = args.positional[1]
            let rest = Array(args.positional.dropFirst(2))
            let g = try inner.map { try $0.run(vm, Arguments([x] + rest))[1] } ?? vm.call(f, Arguments([x] + rest))
            let ops = GradientOps(vm: vm)
            return try ops.call("sum", [try ops.mul(g, v)])
        }
        pairing.tracesItself = true
        return Differentiator(function: .builtin(pairing), argnums: [0], mode: .gradient, kind: "hvp",
                              returnsValue: false, functionName: name)
    }

    static func minimize(_ objective: Objective, x0: [Double], hessian: HessianSource,
                         settings: NewtonCGSettings) throws -> OptimizeOutcome {
        let n = x0.count
        let cgMaxiter = 20 * n
        let xtol = Double(n) * settings.xtol
        var x = x0
        var (f, g) = try objective.valueAndGradient(x)
        var previous: Double? = nil
        var hcalls = 0
        var k = 0
        var updateNorm = Double.greatestFiniteMagnitude
        func finish(_ status: Int, _ message: String) -> OptimizeOutcome {
            if settings.display {
                objective.vm.write("Newton-CG: \(message) (nit \(k), nfev \(objective.nfev), f = \(LBFGSB.scientific(f)))\n")
            }
            return OptimizeOutcome(x: x, fun: f, jac: g, nit: k, nfev: objective.nfev, njev: objective.njev,
                                   nhev: hcalls, status: status, message: message)
        }
        do {
            while updateNorm > xtol {
                if k >= settings.maxiter {
                    return finish(1, "Warning: Maximum number of iterations has been exceeded.")
                }
                g = try objective.gradient(x)
                let b = g.map { -$0 }
                let magnitude = Vector.sumAbs(b)
                let eta = Swift.min(0.5, magnitude.squareRoot())
                let termination = eta * magnitude
                var xsup = [Double](repeating: 0, count: n)
                var r = g
                var p = b
                var i = 0
                var rr = Vector.dot(r, r)
                var matrix: [Double]? = nil
                if case .matrix(let hess) = hessian {
                    matrix = try hessianMatrix(hess, objective, x)
                    hcalls += 1
                }
                var converged = false
                for _ in 0..<cgMaxiter {
                    if Vector.sumAbs(r) <= termination { converged = true; break }
                    let ap: [Double]
                    if let matrix {
                        ap = BFGS.product(matrix, p, n)
                    } else {
                        ap = try product(hessian, objective, x, p)
                        hcalls += 1
                    }
                    let curvature = Vector.dot(p, ap)
                    if curvature >= 0 && curvature <= 3 * Double.ulpOfOne { converged = true; break }
                    if curvature < 0 {
                        if i == 0 { xsup = b.map { rr / -curvature * $0 } }
                        converged = true
                        break
                    }
                    let alpha = rr / curvature
                    for j in 0..<n {
                        xsup[j] += alpha * p[j]
                        r[j] += alpha * ap[j]
                    }
                    let rrNext = Vector.dot(r, r)
                    let beta = rrNext / rr
                    for j in 0..<n { p[j] = -r[j] + beta * p[j] }
                    i += 1
                    rr = rrNext
                }
                if !converged {
                    return finish(3, "Warning: CG iterations didn't converge. The Hessian is not positive definite.")
                }
                guard let step = try LineSearch.search(objective, x: x, direction: xsup, value: f, gradient: g,
                                                       previousValue: previous, c1: settings.c1, c2: settings.c2,
                                                       minStep: 1e-8, maxStep: nil) else {
                    return finish(2, "Warning: Desired error not necessarily achieved due to precision loss.")
                }
                let update = xsup.map { step.alpha * $0 }
                for j in 0..<n { x[j] += update[j] }
                previous = f
                f = step.value
                if let gradient = step.gradient { g = gradient }
                k += 1
                if settings.display {
                    objective.vm.write("Newton-CG iteration \(k): f = \(LBFGSB.scientific(f)), CG steps \(i)\n")
                }
                if VM.takeInterrupt() != nil { return finish(2, "Interrupted by Ctrl-C; x is the last iterate.") }
                updateNorm = Vector.sumAbs(update)
            }
        } catch let error as ADLError where error.kind == .interrupt {
            return finish(2, "Interrupted by Ctrl-C; x is the last iterate.")
        }
        if f.isNaN || updateNorm.isNaN { return finish(3, "NaN result encountered.") }
        return finish(0, "Optimization terminated successfully.")
    }

    /// ∇²f(x) v.
    private static func product(_ source: HessianSource, _ objective: Objective, _ x: [Double], _ v: [Double]) throws -> [Double] {
        let vm = objective.vm
        let xv = try objective.argument(x), vv = try objective.argument(v)
        let result: Value
        switch source {
        case .automatic(let d): result = try d.run(vm, Arguments([xv, vv] + objective.arguments))[1]
        case .product(let hessp): result = try vm.call(hessp, Arguments([xv, vv] + objective.arguments))
        case .matrix: return []  // not reached: the matrix is formed once per iteration
        }
        return try vectorResult(result, n: x.count, what: "the Hessian-vector product")
    }

    private static func hessianMatrix(_ hess: Value, _ objective: Objective, _ x: [Double]) throws -> [Double] {
        let n = x.count
        let result = try objective.vm.call(hess, Arguments([try objective.argument(x)] + objective.arguments))
        guard case .array(let a) = result, a.count == n * n else {
            throw ADLError.shape("minimize(): hess must return an n×n array for n = \(n) variables")
        }
        return Array(UnsafeBufferPointer(start: a.data, count: n * n))
    }

    private static func vectorResult(_ v: Value, n: Int, what: String) throws -> [Double] {
        switch v {
        case .float(let x) where n == 1: return [x]
        case .int(let i) where n == 1: return [Double(i)]
        case .array(let a) where a.count == n: return Array(UnsafeBufferPointer(start: a.data, count: n))
        default:
            throw ADLError.shape("minimize(): \(what) must have one element per variable (\(n))")
        }
    }
}

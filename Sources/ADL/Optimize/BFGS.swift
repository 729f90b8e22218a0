// minimize(method="BFGS"): the quasi-Newton method of Broyden, Fletcher,
// Goldfarb and Shanno with a dense inverse-Hessian approximation H
// (Nocedal & Wright, Algorithm 6.1), in the form SciPy 1.17 uses, so that
// iterates and counts agree with SciPy on the same problem:
//
//   p_k = -H_k ∇f_k;  α_k from the strong-Wolfe line search (LineSearch.swift,
//   c1 = 1e-4, c2 = 0.9, steps in [1e-100, 1e100]);
//   s = α_k p_k, y = ∇f_{k+1} - ∇f_k, ρ = 1 / yᵀs (1000 when yᵀs = 0);
//   H_{k+1} = (I - ρ s yᵀ) H_k (I - ρ y sᵀ) + ρ s sᵀ      (N&W eq. 6.17)
//
// H_0 = I; the first trial step uses f_{-1} = f_0 + ‖∇f_0‖/2. Stops when
// ‖∇f‖_norm ≤ gtol (status 0), after maxiter iterations (1), when the line
// search fails (2), or when a relative step is below xrtol (0).

import COpenBLAS

struct BFGSSettings {
    var gtol = 1e-5
    /// The order of the gradient norm tested against gtol (SciPy's `norm`, default inf).
    var norm = Double.infinity
    var maxiter: Int
    var xrtol = 0.0
    var c1 = 1e-4
    var c2 = 0.9
    var display = false

    init(n: Int) { maxiter = 200 * n }
}

enum BFGS {
    static func minimize(_ objective: Objective, x0: [Double], settings: BFGSSettings) throws -> OptimizeOutcome {
        let n = x0.count
        guard n <= 1 << 16, n * n <= NDArray.maxElements else {
            throw ADLError(.memory, "minimize(): BFGS keeps an n×n matrix, too large for n = \(n); use method='L-BFGS-B'")
        }
        var x = x0
        var (f, g) = try objective.valueAndGradient(x)
        var h = identity(n)
        var previous = f + Vector.dot(g, g).squareRoot() / 2
        var k = 0
        var status = 0
        var gnorm = Vector.norm(g, ord: settings.norm)
        var interrupted = false
        iterations: while gnorm > settings.gtol && k < settings.maxiter {
            let p = product(h, g, n).map { -$0 }
            let step: LineSearch.Step?
            do {
                step = try LineSearch.search(objective, x: x, direction: p, value: f, gradient: g,
                                             previousValue: previous, c1: settings.c1, c2: settings.c2,
                                             minStep: 1e-100, maxStep: 1e100)
            } catch let error as ADLError where error.kind == .interrupt {
                interrupted = true
                break iterations
            }
            guard let step else { status = 2; break }
            let s = p.map { step.alpha * $0 }
            let xNext = zip(x, s).map { $0 + $1 }
            let gNext: [Double]
            do {
                gNext = try step.gradient ?? objective.gradient(xNext)
            } catch let error as ADLError where error.kind == .interrupt {
                interrupted = true
                break iterations
            }
            let y = zip(gNext, g).map { $0 - $1 }
            x = xNext
            g = gNext
            previous = f
            f = step.value
            k += 1
            if settings.display {
                objective.vm.write("BFGS iteration \(k): f = \(LBFGSB.scientific(f)), |g| = \(LBFGSB.scientific(Vector.norm(g, ord: settings.norm)))\n")
            }
            if VM.takeInterrupt() != nil { interrupted = true; break }
            gnorm = Vector.norm(g, ord: settings.norm)
            if gnorm <= settings.gtol { break }
            if step.alpha * Vector.norm(p, ord: 2) <= settings.xrtol * (settings.xrtol + Vector.norm(x, ord: 2)) { break }
            let ys = Vector.dot(y, s)
            let rho = ys == 0 ? 1000.0 : 1 / ys
            h = update(h, s: s, y: y, rho: rho, n: n)
        }
        let message: String
        if interrupted {
            status = 2
            message = "Interrupted by Ctrl-C; x is the last iterate."
        } else if status == 2 {
            message = "Desired error not necessarily achieved due to precision loss."
        } else if k >= settings.maxiter {
            status = 1
            message = "Maximum number of iterations has been exceeded."
        } else if gnorm.isNaN || f.isNaN || x.contains(where: { $0.isNaN }) {
            status = 3
            message = "NaN result encountered."
        } else {
            message = "Optimization terminated successfully."
        }
        if settings.display { objective.vm.write("BFGS: \(message) (nit \(k), nfev \(objective.nfev), f = \(LBFGSB.scientific(f)))\n") }
        return OptimizeOutcome(x: x, fun: f, jac: g, nit: k, nfev: objective.nfev, njev: objective.njev,
                               inverseHessian: h, status: status, message: message)
    }

    static func identity(_ n: Int) -> [Double] {
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return m
    }

    /// H g (row-major n×n times a vector) through BLAS, as `np.dot(H, g)`.
    static func product(_ h: [Double], _ g: [Double], _ n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n)
        guard n > 0 else { return out }
        BLAS.functions.dgemv(CblasRowMajor, CblasNoTrans, blasint(n), blasint(n), 1, h, blasint(n), g, 1, 0, &out, 1)
        return out
    }

    /// (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, with SciPy's order of operations.
    static func update(_ h: [Double], s: [Double], y: [Double], rho: Double, n: Int) -> [Double] {
        var a1 = identity(n), a2 = identity(n)
        for i in 0..<n {
            for j in 0..<n {
                a1[i * n + j] -= s[i] * y[j] * rho
                a2[i * n + j] -= y[i] * s[j] * rho
            }
        }
        var t = [Double](repeating: 0, count: n * n)
        var out = [Double](repeating: 0, count: n * n)
        let bn = blasint(n)
        BLAS.functions.dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bn, bn, 1, h, bn, a2, bn, 0, &t, bn)
        BLAS.functions.dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, bn, bn, bn, 1, a1, bn, t, bn, 0, &out, bn)
        for i in 0..<n {
            for j in 0..<n { out[i * n + j] += rho * s[i] * s[j] }
        }
        return out
    }
}

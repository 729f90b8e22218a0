// The line search of BFGS and Newton-CG: SciPy's `line_search_wolfe1`, which
// finds a step satisfying the strong Wolfe conditions with MINPACK-2's
// `dcsrch` (Moré and Thuente, "Line search algorithms with guaranteed
// sufficient decrease", 1994; Nocedal & Wright §3.5). SciPy runs a Python port
// of that routine; ADL calls the Fortran original, which L-BFGS-B 3.0 contains.
//
// SciPy falls back to a second search (`line_search_wolfe2`) when this one
// fails; ADL reports the failure instead (SciPy's "precision loss" outcome),
// which differs from SciPy only on problems where the first search fails.

import COpenBLAS
import CSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

enum LineSearch {
    struct Step {
        /// The step length α along the direction.
        var alpha: Double
        /// f(x + α p) and ∇f(x + α p).
        var value: Double
        var gradient: [Double]
    }

    /// A step along `direction` from `x` (where f is `value` with gradient `gradient`)
    /// satisfying the strong Wolfe conditions with constants c1, c2, or nil when the
    /// search fails. `previousValue` (f at the previous iterate) sets the first
    /// trial step as SciPy does: min(1, 2.02 (f - f_prev) / f'(0)).
    static func wolfe(_ objective: Objective, x: [Double], direction p: [Double], value: Double,
                      gradient: [Double], previousValue: Double?, c1: Double, c2: Double,
                      minStep: Double, maxStep: Double, xtol: Double = 1e-14) throws -> Step? {
        let dcsrch = try LBFGSBLibrary.functions().dcsrch
        let slope0 = Vector.dot(gradient, p)
        var alpha = 1.0
        if let previous = previousValue, slope0 != 0 {
            alpha = Swift.min(1.0, 1.01 * 2 * (value - previous) / slope0)
            if alpha < 0 { alpha = 1.0 }
        }
        var f = value, slope = slope0
        var lastGradient = gradient
        var task = FortranString("START")
        var isave = [Int32](repeating: 0, count: 2)
        var dsave = [Double](repeating: 0, count: 13)
        var ftol = c1, gtol = c2, xtolerance = xtol, stpmin = minStep, stpmax = maxStep
        for _ in 0..<100 {
            dcsrch(&f, &slope, &alpha, &ftol, &gtol, &xtolerance, &stpmin, &stpmax, &task.bytes, &isave, &dsave, 60)
            if !alpha.isFinite { return nil }
            let t = task.text
            guard t.hasPrefix("FG") else {
                if t.hasPrefix("ERROR") || t.hasPrefix("WARN") { return nil }
                return Step(alpha: alpha, value: f, gradient: lastGradient)
            }
            let trial = Vector.step(x, alpha, p)
            (f, lastGradient) = try objective.valueAndGradient(trial)
            slope = Vector.dot(lastGradient, p)
        }
        return nil
    }
}

/// The vector operations of the optimisers, with NumPy's rounding: dot products
/// through BLAS as `np.dot`, sums in NumPy's pairwise order.
enum Vector {
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                cblas_ddot(blasint(ap.count), ap.baseAddress, 1, bp.baseAddress, 1)
            }
        }
    }

    /// x + α p, as NumPy computes `x + alpha * p`.
    static func step(_ x: [Double], _ alpha: Double, _ p: [Double]) -> [Double] {
        var out = x
        for i in out.indices { out[i] = x[i] + alpha * p[i] }
        return out
    }

    /// max |a_i| (0 for an empty vector).
    static func maxAbs(_ a: [Double]) -> Double {
        var m = 0.0
        for v in a {
            if v.isNaN { return .nan }
            m = Swift.max(m, Swift.abs(v))
        }
        return m
    }

    /// Σ |a_i| in NumPy's pairwise order (np.linalg.norm(a, 1)).
    static func sumAbs(_ a: [Double]) -> Double {
        let magnitudes = a.map { Swift.abs($0) }
        return magnitudes.withUnsafeBufferPointer { adl_sum($0.baseAddress, $0.count) }
    }

    /// (Σ |a_i|^ord)^(1/ord) as SciPy's `vecnorm`; ord = inf is the largest magnitude.
    static func norm(_ a: [Double], ord: Double) -> Double {
        if ord == .infinity { return maxAbs(a) }
        if ord == -.infinity { return a.map { Swift.abs($0) }.min() ?? .infinity }
        let powers = a.map { Glibc.pow(Swift.abs($0), ord) }
        return Glibc.pow(powers.withUnsafeBufferPointer { adl_sum($0.baseAddress, $0.count) }, 1 / ord)
    }
}

// The line search of BFGS and Newton-CG: SciPy's `line_search_wolfe1`, which
// finds a step satisfying the strong Wolfe conditions with MINPACK-2's
// `dcsrch` (Moré and Thuente, "Line search algorithms with guaranteed
// sufficient decrease", 1994; Nocedal & Wright §3.5). SciPy runs a Python port
// of that routine; ADL calls the Fortran original, which L-BFGS-B 3.0 contains.
//
// When it fails, SciPy (and ADL) falls back to a second search, SciPy's
// `line_search_wolfe2`: Nocedal & Wright's Algorithm 3.5 (bracketing by
// doubling the step) with Algorithm 3.6 (zoom by cubic, then quadratic, then
// bisection interpolation), written here with SciPy's safeguards and order of
// evaluations, so that the counts agree.

import COpenBLAS
import CSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

enum LineSearch {
    struct Step {
        /// The step length α along the direction.
        var alpha: Double
        /// f(x + α p) and ∇f(x + α p) (nil when the search did not compute it).
        var value: Double
        var gradient: [Double]?
    }

    /// SciPy's `_line_search_wolfe12`: the MINPACK-2 search, and when it fails the
    /// N&W bracketing-and-zoom search; nil when both fail. `maxStep` nil means no
    /// limit for the second search (and 50 for the first, SciPy's default).
    static func search(_ objective: Objective, x: [Double], direction p: [Double], value: Double,
                       gradient: [Double], previousValue: Double?, c1: Double, c2: Double,
                       minStep: Double, maxStep: Double?) throws -> Step? {
        if let step = try wolfe(objective, x: x, direction: p, value: value, gradient: gradient,
                                previousValue: previousValue, c1: c1, c2: c2, minStep: minStep,
                                maxStep: maxStep ?? 50) {
            return step
        }
        return try bracketAndZoom(objective, x: x, direction: p, value: value, gradient: gradient,
                                  previousValue: previousValue, c1: c1, c2: c2, maxStep: maxStep)
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

extension LineSearch {
    /// SciPy's `line_search_wolfe2` (N&W Algorithms 3.5 and 3.6): f alone is
    /// evaluated at trial steps, ∇f only where the curvature condition is tested.
    static func bracketAndZoom(_ objective: Objective, x: [Double], direction p: [Double], value: Double,
                               gradient: [Double], previousValue: Double?, c1: Double, c2: Double,
                               maxStep: Double?) throws -> Step? {
        var lastGradient: [Double]? = nil
        func phi(_ a: Double) throws -> Double { try objective.value(Vector.step(x, a, p)) }
        func slope(_ a: Double) throws -> Double {
            let g = try objective.gradient(Vector.step(x, a, p))
            lastGradient = g
            return Vector.dot(g, p)
        }
        let phi0 = value, slope0 = Vector.dot(gradient, p)
        var a0 = 0.0
        var a1 = 1.0
        if let previous = previousValue, slope0 != 0 { a1 = Swift.min(1.0, 1.01 * 2 * (phi0 - previous) / slope0) }
        if a1 < 0 { a1 = 1.0 }
        if let maxStep { a1 = Swift.min(a1, maxStep) }
        var phiA1 = try phi(a1)
        var phiA0 = phi0
        var slopeA0 = slope0
        for i in 0..<10 {
            if a1 == 0 { return nil }
            if let maxStep, a0 > maxStep { return nil }
            if phiA1 > phi0 + c1 * a1 * slope0 || (phiA1 >= phiA0 && i > 0) {
                return try zoom(lo: a0, hi: a1, phiLo: phiA0, phiHi: phiA1, slopeLo: slopeA0, phi0: phi0,
                                slope0: slope0, c1: c1, c2: c2, phi: phi, slope: slope).map {
                    Step(alpha: $0.alpha, value: $0.value, gradient: lastGradient)
                }
            }
            let slopeA1 = try slope(a1)
            if Swift.abs(slopeA1) <= -c2 * slope0 {
                return Step(alpha: a1, value: phiA1, gradient: lastGradient)
            }
            if slopeA1 >= 0 {
                return try zoom(lo: a1, hi: a0, phiLo: phiA1, phiHi: phiA0, slopeLo: slopeA1, phi0: phi0,
                                slope0: slope0, c1: c1, c2: c2, phi: phi, slope: slope).map {
                    Step(alpha: $0.alpha, value: $0.value, gradient: lastGradient)
                }
            }
            var a2 = 2 * a1
            if let maxStep { a2 = Swift.min(a2, maxStep) }
            a0 = a1
            a1 = a2
            phiA0 = phiA1
            phiA1 = try phi(a1)
            slopeA0 = slopeA1
        }
        // Not converged in 10 steps: SciPy still takes the last step, without a gradient there.
        return Step(alpha: a1, value: phiA1, gradient: nil)
    }

    /// N&W Algorithm 3.6 with SciPy's safeguards: a cubic through the two ends and
    /// the previous end, unless it falls within 20% of an end; then a quadratic,
    /// unless within 10%; then the midpoint. At most 11 trial steps.
    private static func zoom(lo: Double, hi: Double, phiLo: Double, phiHi: Double, slopeLo: Double,
                             phi0: Double, slope0: Double, c1: Double, c2: Double,
                             phi: (Double) throws -> Double, slope: (Double) throws -> Double) throws -> (alpha: Double, value: Double)? {
        var (aLo, aHi, phiLo, phiHi, slopeLo) = (lo, hi, phiLo, phiHi, slopeLo)
        var phiRec = phi0, aRec = 0.0
        var i = 0
        while true {
            let d = aHi - aLo
            let (a, b) = d < 0 ? (aHi, aLo) : (aLo, aHi)
            var aj: Double? = nil
            var cubicOK = false
            if i > 0 {
                let cchk = 0.2 * d
                aj = cubicMinimum(aLo, phiLo, slopeLo, aHi, phiHi, aRec, phiRec)
                if let v = aj, !(v > b - cchk) && !(v < a + cchk) { cubicOK = true }
            }
            if !cubicOK {
                let qchk = 0.1 * d
                aj = quadraticMinimum(aLo, phiLo, slopeLo, aHi, phiHi)
                if let v = aj, !(v > b - qchk) && !(v < a + qchk) {} else { aj = nil }
            }
            let step = aj ?? aLo + 0.5 * d
            let phiJ = try phi(step)
            if phiJ > phi0 + c1 * step * slope0 || phiJ >= phiLo {
                phiRec = phiHi
                aRec = aHi
                aHi = step
                phiHi = phiJ
            } else {
                let slopeJ = try slope(step)
                if Swift.abs(slopeJ) <= -c2 * slope0 { return (step, phiJ) }
                if slopeJ * (aHi - aLo) >= 0 {
                    phiRec = phiHi
                    aRec = aHi
                    aHi = aLo
                    phiHi = phiLo
                } else {
                    phiRec = phiLo
                    aRec = aLo
                }
                aLo = step
                phiLo = phiJ
                slopeLo = slopeJ
            }
            i += 1
            if i > 10 { return nil }
        }
    }

    /// The minimiser of the cubic with value fa and slope fpa at a, through (b, fb)
    /// and (c, fc); nil when it does not exist or an operation overflows or is invalid
    /// (SciPy computes it under np.errstate(raise)).
    static func cubicMinimum(_ a: Double, _ fa: Double, _ fpa: Double, _ b: Double, _ fb: Double,
                             _ c: Double, _ fc: Double) -> Double? {
        let C = fpa
        let db = b - a, dc = c - a
        let denom = (db * dc) * (db * dc) * (db - dc)
        // [A, B] = [[dc², -db²], [-dc³, db³]] · [fb - fa - C db, fc - fa - C dc], by BLAS as np.dot.
        let m = [dc * dc, -(db * db), -Glibc.pow(dc, 3), Glibc.pow(db, 3)]
        let v = [fb - fa - C * db, fc - fa - C * dc]
        var ab = [0.0, 0.0]
        BLAS.functions.dgemv(CblasRowMajor, CblasNoTrans, 2, 2, 1, m, 2, v, 1, 0, &ab, 1)
        guard denom != 0, (m + v + ab).allSatisfy({ $0.isFinite }) else { return nil }
        let A = ab[0] / denom, B = ab[1] / denom
        let radical = B * B - 3 * A * C
        guard A.isFinite, B.isFinite, radical.isFinite, radical >= 0, A != 0 else { return nil }
        let xmin = a + (-B + radical.squareRoot()) / (3 * A)
        return xmin.isFinite ? xmin : nil
    }

    /// The minimiser of the quadratic with value fa and slope fpa at a through (b, fb); nil as above.
    static func quadraticMinimum(_ a: Double, _ fa: Double, _ fpa: Double, _ b: Double, _ fb: Double) -> Double? {
        let db = b - a * 1.0
        let B = (fb - fa - fpa * db) / (db * db)
        guard db * db != 0, B.isFinite, B != 0 else { return nil }
        let xmin = a - fpa / (2.0 * B)
        return xmin.isFinite ? xmin : nil
    }
}

/// The vector operations of the optimisers, with NumPy's rounding: dot products
/// through BLAS as `np.dot`, sums in NumPy's pairwise order.
enum Vector {
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                BLAS.functions.ddot(blasint(ap.count), ap.baseAddress, 1, bp.baseAddress, 1)
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

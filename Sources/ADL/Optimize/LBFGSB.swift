// L-BFGS-B through the L-BFGS-B 3.0 Fortran library (Debian's liblbfgsb, the
// algorithm SciPy wraps), driven by reverse communication exactly as SciPy
// 1.17's `_minimize_lbfgsb` drives it, so that iterates, `nit` and `nfev`
// match SciPy's on the same problem:
//
// - `setulb_` returns with `task` "FG…" when it wants f and ∇f at x, "NEW_X"
//   after each iteration, anything else when it has stopped;
// - `nit` counts NEW_X; the run stops (task "STOP") when nit ≥ maxiter, or
//   when nfev > maxfun, checked only at NEW_X as SciPy does;
// - `nfev` counts evaluations as SciPy's ScalarFunction: x0 once (evaluated
//   before the loop; the first FG asks for the same point) and then each FG;
// - the status (SciPy's `warnflag`) is 0 on convergence, 1 on a limit, 2
//   otherwise; the library's task text becomes SciPy 1.17's message.
//
// The library is opened on first use (see Sources/CLBFGSB/shim.h for why it is
// not linked); a machine without it gets an ADL error naming the package.

import CLBFGSB
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// What an optimiser reports: SciPy's OptimizeResult fields.
struct OptimizeOutcome {
    var x: [Double]
    var fun: Double
    var jac: [Double]
    var nit: Int
    var nfev: Int
    var njev: Int
    /// Newton-CG's Hessian-vector products; nil for the other methods.
    var nhev: Int? = nil
    /// BFGS's inverse Hessian approximation (n×n, row-major); nil for the others.
    var inverseHessian: [Double]? = nil
    /// 0 converged, 1 a limit was reached, 2 anything else (SciPy's `status`/`warnflag`).
    var status: Int
    var message: String
    var success: Bool { status == 0 }
}

/// Settings of one L-BFGS-B run (SciPy's names in comments).
struct LBFGSBSettings {
    /// Corrections kept (`m`, `maxcor`).
    var memory = 10
    /// Stop when the relative reduction of f is at most factr·ε (`factr`; `ftol / ε`).
    var factr = 1e7
    /// Stop when the projected gradient's largest element is at most this (`pgtol`, `gtol`).
    var pgtol = 1e-5
    var maxiter = 15000
    var maxfun = 15000
    /// Print one line per iteration.
    var display = false
}

enum LBFGSB {
    /// The message of a run stopped by Ctrl-C (x is then the last iterate).
    static let interruptedMessage = "STOP: INTERRUPTED BY CTRL-C"

    /// Minimises `objective` from `x0` within `lower ≤ x ≤ upper` (±inf where unbounded).
    /// x0 must already lie within the bounds (callers clip it, as SciPy does).
    static func minimize(_ objective: Objective, x0: [Double], lower: [Double], upper: [Double],
                         settings: LBFGSBSettings) throws -> OptimizeOutcome {
        let setulb = try library()
        let n = x0.count
        let m = settings.memory
        var nbd = [Int32](repeating: 0, count: n)
        var low = [Double](repeating: 0, count: n), high = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let hasLow = !lower[i].isInfinite, hasHigh = !upper[i].isInfinite
            if hasLow { low[i] = lower[i] }
            if hasHigh { high[i] = upper[i] }
            nbd[i] = hasLow ? (hasHigh ? 2 : 1) : (hasHigh ? 3 : 0)
        }
        var x = x0
        // SciPy's ScalarFunction evaluates at x0 before the first call.
        var (f, g) = try objective.valueAndGradient(x)

        // The work arrays, sized as the library's documentation asks (never empty).
        let mm = Swift.max(m, 0)
        guard mm <= 1 << 20, n <= NDArray.maxElements,
              2 * mm * n + 5 * n + 11 * mm * mm + 8 * mm <= NDArray.maxElements else {
            throw ADLError(.memory, "\(objective.caller)(): L-BFGS-B's workspace for \(n) variables and m = \(m) corrections exceeds the allocation limit")
        }
        var wa = [Double](repeating: 0, count: Swift.max(1, 2 * mm * n + 5 * n + 11 * mm * mm + 8 * mm))
        var iwa = [Int32](repeating: 0, count: Swift.max(1, 3 * n))
        var lsave = [Int32](repeating: 0, count: 4)
        var isave = [Int32](repeating: 0, count: 44)
        var dsave = [Double](repeating: 0, count: 29)
        var task = FortranString("START")
        var csave = FortranString("")
        var n32 = Int32(clamping: n), m32 = Int32(clamping: m), iprint: Int32 = -1
        var factr = settings.factr, pgtol = settings.pgtol
        if x.isEmpty { x = [0]; g = [0]; low = [0]; high = [0]; nbd = [0] }  // valid pointers for n = 0

        var nit = 0
        // The last accepted iterate: what an interrupted run returns.
        var best = (x: x, f: f, g: g)
        var stopMessage: String?
        loop: while true {
            x.withUnsafeMutableBufferPointer { xp in
                g.withUnsafeMutableBufferPointer { gp in
                    setulb(&n32, &m32, xp.baseAddress, &low, &high, &nbd, &f, gp.baseAddress, &factr, &pgtol,
                           &wa, &iwa, &task.bytes, &iprint, &csave.bytes, &lsave, &isave, &dsave, 60, 60)
                }
            }
            let t = task.text
            if t.hasPrefix("FG") {
                do {
                    (f, g) = try objective.valueAndGradient(Array(x.prefix(n)))
                } catch let error as ADLError where error.kind == .interrupt {
                    stopMessage = interruptedMessage
                    break loop
                }
            } else if t.hasPrefix("NEW_X") {
                nit += 1
                best = (x, f, g)
                if settings.display {
                    objective.vm.write("L-BFGS-B iteration \(nit): f = \(scientific(f)), |proj g| = \(scientific(dsave[12]))\n")
                }
                if VM.takeInterrupt() != nil {
                    stopMessage = interruptedMessage
                    break loop
                }
                if nit >= settings.maxiter {
                    task = FortranString("STOP: TOTAL NO. of ITERATIONS REACHED LIMIT")
                } else if objective.nfev > settings.maxfun {
                    task = FortranString("STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT")
                }
            } else {
                break
            }
        }

        let outcome: OptimizeOutcome
        if let stopMessage {
            outcome = OptimizeOutcome(x: Array(best.x.prefix(n)), fun: best.f, jac: Array(best.g.prefix(n)),
                                      nit: nit, nfev: objective.nfev, njev: objective.njev,
                                      status: 2, message: stopMessage)
        } else {
            let t = task.text
            let status: Int
            if t.hasPrefix("CONV") {
                status = 0
            } else if objective.nfev > settings.maxfun || nit >= settings.maxiter {
                status = 1
            } else {
                status = 2
            }
            outcome = OptimizeOutcome(x: Array(x.prefix(n)), fun: f, jac: Array(g.prefix(n)), nit: nit,
                                      nfev: objective.nfev, njev: objective.njev, status: status,
                                      message: scipyMessage(t))
        }
        if settings.display {
            objective.vm.write("L-BFGS-B: \(outcome.message) (nit \(outcome.nit), nfev \(outcome.nfev), f = \(scientific(outcome.fun)))\n")
        }
        return outcome
    }

    /// SciPy 1.17's wording of the library's task text (its C translation of
    /// the Fortran reworded a few messages).
    static func scipyMessage(_ task: String) -> String {
        if task.hasPrefix("CONVERGENCE: NORM_OF_PROJECTED") { return "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL" }
        if task.hasPrefix("CONVERGENCE: REL_REDUCTION") { return "CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH" }
        if task.hasPrefix("ABNORMAL") { return "ABNORMAL: " }
        if task.hasPrefix("STOP: TOTAL NO. of ITERATIONS") { return "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT" }
        if task.hasPrefix("STOP: TOTAL NO. of f") { return "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT" }
        return task.replacingOccurrences(" .LE. ", with: " <= ").replacingOccurrences(" .LT. ", with: " < ")
            .replacingOccurrences(" .GE. ", with: " >= ").replacingOccurrences(" .GT. ", with: " > ")
            .replacingOccurrences("_", with: " ")
    }

    /// `1.2346e+00`-style text for progress lines.
    static func scientific(_ x: Double) -> String {
        (try? NumberFormat.format(double: x, spec: ".4e")) ?? NumberFormat.pythonFloat(x)
    }

    private static func library() throws -> adl_setulb_t {
        try LBFGSBLibrary.functions().setulb
    }
}

/// The two routines ADL calls in liblbfgsb.so.0, opened on first use (thread-safely).
enum LBFGSBLibrary {
    struct Functions: @unchecked Sendable {
        let setulb: adl_setulb_t
        let dcsrch: adl_dcsrch_t
    }

    private static let loaded: Result<Functions, ADLError> = load()

    static func functions() throws -> Functions {
        try loaded.get()
    }

    private static func load() -> Result<Functions, ADLError> {
        func failure(_ why: String) -> Result<Functions, ADLError> {
            .failure(ADLError(.io, "optimisation needs L-BFGS-B 3.0 (liblbfgsb.so.0, Debian package liblbfgsb0): \(why)"))
        }
        let library: SharedLibrary
        switch SharedLibrary.open(["liblbfgsb.so.0"], global: true) {
        case .success(let opened): library = opened
        case .failure(let opening): return failure(opening.message)
        }
        guard let setulb = library.function("setulb_", adl_setulb_t.self),
              let dcsrch = library.function("dcsrch_", adl_dcsrch_t.self) else {
            return failure("a routine is missing from the library")
        }
        return .success(Functions(setulb: setulb, dcsrch: dcsrch))
    }
}

/// A Fortran CHARACTER*60: blank-padded, not NUL-terminated.
struct FortranString {
    var bytes: [CChar]

    init(_ text: String) {
        bytes = [CChar](repeating: 0x20, count: 60)
        for (i, b) in text.utf8.prefix(60).enumerated() { bytes[i] = CChar(bitPattern: b) }
    }

    /// The text without its trailing blanks.
    var text: String {
        let used = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0 }).map { $0 + 1 } ?? 0
        return String(decoding: bytes[0..<used].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

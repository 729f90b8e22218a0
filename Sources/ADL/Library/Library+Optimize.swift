// The optimisation builtins of SPEC §10: `fmin_l_bfgs_b` and `minimize`
// (methods L-BFGS-B, BFGS, Newton-CG), with SciPy's parameters, defaults and
// results. The algorithms and the shared front end are in Sources/ADL/Optimize.

extension Library {
    static func registerOptimize(_ t: BuiltinTable) {
        t.register("fmin_l_bfgs_b") { vm, args in
            try checkNotTraced(vm, "fmin_l_bfgs_b")
            let p = try args.bind("fmin_l_bfgs_b", ["func", "x0", "fprime", "args", "approx_grad", "bounds", "m",
                                                    "factr", "pgtol", "epsilon", "iprint", "maxfun", "maxiter",
                                                    "disp", "maxls"], required: 2)
            let caller = "fmin_l_bfgs_b"
            let f = p[0] ?? .none
            try checkCallable(f, caller, purpose: "to minimize")
            let (x0, shape) = try Minimize.startingPoint(p[1] ?? .none, caller: caller)
            let extra = Minimize.extraArguments(p[3])
            let source: Objective.GradientSource
            if let fprime = p[2].nonNone {
                try checkCallable(fprime, caller, purpose: "as fprime")
                source = .function(fprime)
            } else if try bool(p[4], default: false) {
                source = .finiteDifferences(step: try p[9].nonNone.map { try Coerce.double($0, what: "epsilon") } ?? 1e-8)
            } else {
                source = .automatic(automaticGradient(f))
            }
            var settings = LBFGSBSettings()
            settings.memory = try p[6].nonNone.map { try Coerce.int($0, what: "m") } ?? 10
            settings.factr = try p[7].nonNone.map { try Coerce.double($0, what: "factr") } ?? 1e7
            settings.pgtol = try p[8].nonNone.map { try Coerce.double($0, what: "pgtol") } ?? 1e-5
            settings.maxfun = try p[11].nonNone.map { try Coerce.int($0, what: "maxfun") } ?? 15000
            settings.maxiter = try p[12].nonNone.map { try Coerce.int($0, what: "maxiter") } ?? 15000
            settings.display = try bool(p[13], default: false)
            try checkLineSearchLimit(p[14], caller)
            let objective = Objective(vm: vm, function: f, arguments: extra, shape: shape, source: source, caller: caller)
            objective.acceptsPairResult = p[2].nonNone == nil
            let r = try runLBFGSB(objective, x0, bounds: p[5], settings: settings)
            let info = RecordObject()
            info.set("grad", try Minimize.shaped(r.jac, shape))
            info.set("task", .string(r.message))
            info.set("funcalls", .int(r.nfev))
            info.set("nit", .int(r.nit))
            info.set("warnflag", .int(r.status))
            return .tuple([try Minimize.shaped(r.x, shape), .float(r.fun), .record(info)])
        }

        t.register("minimize") { vm, args in
            try checkNotTraced(vm, "minimize")
            let p = try args.bind("minimize", ["fun", "x0", "args", "method", "jac", "hess", "hessp", "bounds", "tol",
                                               "options"], required: 2)
            let caller = "minimize"
            let f = p[0] ?? .none
            try checkCallable(f, caller, purpose: "to minimize")
            let (x0, shape) = try Minimize.startingPoint(p[1] ?? .none, caller: caller)
            let extra = Minimize.extraArguments(p[2])
            let method = try p[3].nonNone.map { try Coerce.string($0, what: "method") } ?? "L-BFGS-B"
            let tol = try p[8].nonNone.map { try Coerce.double($0, what: "tol") }
            let source = try gradientSource(p[4], f, caller, method: method)
            let objective = Objective(vm: vm, function: f, arguments: extra, shape: shape, source: source, caller: caller)
            let outcome: OptimizeOutcome
            switch method.uppercased() {
            case "L-BFGS-B":
                let options = try Minimize.options(p[9], known: ["maxcor", "ftol", "gtol", "eps", "maxfun", "maxiter",
                                                                 "disp", "iprint", "maxls"],
                                                   method: "L-BFGS-B")
                try rejectHessian(p[5], p[6], method)
                var settings = LBFGSBSettings()
                settings.memory = try Minimize.int(options, "maxcor", 10)
                // SciPy: ftol = factr·ε (default 2.22e-9, i.e. factr 1e7); `tol` sets ftol and gtol.
                let ftol = try Minimize.double(options, "ftol", tol ?? 2.2204460492503131e-09)
                settings.factr = ftol / Double.ulpOfOne
                settings.pgtol = try Minimize.double(options, "gtol", tol ?? 1e-5)
                settings.maxfun = try Minimize.int(options, "maxfun", 15000)
                settings.maxiter = try Minimize.int(options, "maxiter", 15000)
                settings.display = try bool(options["disp"], default: false)
                try checkLineSearchLimit(options["maxls"], caller)
                if case .finiteDifferences(let step) = source, step != nil, let eps = options["eps"] {
                    objective.replaceSource(.finiteDifferences(step: try Coerce.double(eps, what: "the option eps")))
                }
                outcome = try runLBFGSB(objective, x0, bounds: p[7], settings: settings)
            case "BFGS":
                let options = try Minimize.options(p[9], known: ["gtol", "norm", "eps", "maxiter", "disp", "xrtol", "c1", "c2"],
                                                   method: "BFGS")
                try rejectHessian(p[5], p[6], method)
                try rejectBounds(p[7], method)
                var settings = BFGSSettings(n: x0.count)
                settings.gtol = try Minimize.double(options, "gtol", tol ?? 1e-5)
                settings.norm = try Minimize.double(options, "norm", .infinity)
                settings.maxiter = try Minimize.int(options, "maxiter", 200 * x0.count)
                settings.xrtol = try Minimize.double(options, "xrtol", 0)
                settings.c1 = try Minimize.double(options, "c1", 1e-4)
                settings.c2 = try Minimize.double(options, "c2", 0.9)
                settings.display = try bool(options["disp"], default: false)
                if case .finiteDifferences(let step) = source, step != nil, let eps = options["eps"] {
                    objective.replaceSource(.finiteDifferences(step: try Coerce.double(eps, what: "the option eps")))
                }
                outcome = try BFGS.minimize(objective, x0: x0, settings: settings)
            case "NEWTON-CG":
                let options = try Minimize.options(p[9], known: ["xtol", "eps", "maxiter", "disp", "c1", "c2"],
                                                   method: "Newton-CG")
                try rejectBounds(p[7], method)
                if case .finiteDifferences = source {
                    throw ADLError.value("minimize(): Newton-CG needs an exact gradient: leave jac=None for the automatic one, or pass a function")
                }
                var settings = NewtonCGSettings(n: x0.count)
                settings.xtol = try Minimize.double(options, "xtol", tol ?? 1e-5)
                settings.maxiter = try Minimize.int(options, "maxiter", 200 * x0.count)
                settings.c1 = try Minimize.double(options, "c1", 1e-4)
                settings.c2 = try Minimize.double(options, "c2", 0.9)
                settings.display = try bool(options["disp"], default: false)
                let hessian = try hessianSource(p[5], p[6], f, objective)
                outcome = try NewtonCG.minimize(objective, x0: x0, hessian: hessian, settings: settings)
            default:
                throw ADLError.value("minimize(): unknown method '\(method)'; ADL has L-BFGS-B, BFGS and Newton-CG")
            }
            return try Minimize.record(outcome, shape: shape)
        }
        // Called inside a function being differentiated, the optimisers raise an
        // error (checkNotTraced) instead of being recorded as constants.
        t.function(named: "fmin_l_bfgs_b")?.tracesItself = true
        t.function(named: "minimize")?.tracesItself = true
    }

    // MARK: - Helpers

    /// ADL does not differentiate through an optimisation: inside a traced
    /// function the result would silently count as a constant (gradient zero).
    static func checkNotTraced(_ vm: VM, _ caller: String) throws {
        if vm.activeTrace != nil {
            throw ADLError.value("\(caller)() cannot run inside a function being differentiated: ADL does not differentiate through an optimisation")
        }
    }

    /// value_and_grad of `f` with respect to its first argument, compiled once
    /// and cached by argument shapes. Elementwise mode gives the gradient of
    /// `sum(f(x))`, so a one-element array result works as SciPy accepts it;
    /// any larger result is rejected by the Objective.
    static func automaticGradient(_ f: Value) -> Differentiator {
        Differentiator(function: f, argnums: [0], mode: .elementwise, kind: "grad")
    }

    /// minimize's `jac=`: None (automatic), a function, True (f returns (value,
    /// gradient)), False (forward differences with the method's absolute step
    /// `eps`: 1e-8 for L-BFGS-B, √ε for BFGS, as SciPy) or '2-point' (relative steps).
    static func gradientSource(_ jac: Value?, _ f: Value, _ caller: String, method: String) throws -> Objective.GradientSource {
        guard let jac = jac.nonNone else { return .automatic(automaticGradient(f)) }
        switch jac {
        case .bool(true): return .combined
        case .bool(false): return .finiteDifferences(step: method.uppercased() == "L-BFGS-B" ? 1e-8 : Double.ulpOfOne.squareRoot())
        case .string(let s) where s.value == "2-point": return .finiteDifferences(step: nil)
        case .string(let s):
            throw ADLError.value("minimize(): jac='\(s.value)' is not supported; ADL has jac=None (automatic), a function, True, or '2-point'")
        case .function, .builtin, .boundMethod: return .function(jac)
        default:
            throw ADLError.type("minimize(): jac must be None, a function, True or '2-point', not a '\(jac.typeName)'")
        }
    }

    /// Newton-CG's Hessian-vector product: a user `hessp(x, p, *args)`, a user
    /// `hess(x, *args)` times p, or exact products from the autodiff engine.
    static func hessianSource(_ hess: Value?, _ hessp: Value?, _ f: Value, _ objective: Objective) throws -> NewtonCG.HessianSource {
        if let hp = hessp.nonNone {
            try checkCallable(hp, "minimize", purpose: "as hessp")
            return .product(hp)
        }
        if let h = hess.nonNone {
            try checkCallable(h, "minimize", purpose: "as hess")
            return .matrix(h)
        }
        switch objective.source {
        case .automatic:
            return .automatic(NewtonCG.hessianVectorProduct(f))
        case .function(let jac):
            return .automatic(NewtonCG.hessianVectorProduct(jac, isGradient: true))
        case .combined, .finiteDifferences:
            throw ADLError.value("minimize(): Newton-CG with jac=True needs hess or hessp (or leave jac=None for exact automatic Hessian-vector products)")
        }
    }

    static func checkCallable(_ f: Value, _ caller: String, purpose: String) throws {
        switch f {
        case .function, .builtin, .boundMethod: return
        default: throw ADLError.type("\(caller)() needs a function \(purpose), not a '\(f.typeName)'")
        }
    }

    /// L-BFGS-B 3.0 has the line-search limit of SciPy's default built in (20 steps).
    static func checkLineSearchLimit(_ v: Value?, _ caller: String) throws {
        guard let v = v.nonNone else { return }
        let k = try Coerce.int(v, what: "maxls")
        guard k == 20 else {
            throw ADLError.value("\(caller)(): maxls=\(k) is not supported: L-BFGS-B 3.0 always allows 20 line-search steps (SciPy's default)")
        }
    }

    static func rejectHessian(_ hess: Value?, _ hessp: Value?, _ method: String) throws {
        if hess.nonNone != nil || hessp.nonNone != nil {
            throw ADLError.value("minimize(): method \(method) does not use hess or hessp (Newton-CG does)")
        }
    }

    static func rejectBounds(_ bounds: Value?, _ method: String) throws {
        if bounds.nonNone != nil {
            throw ADLError.value("minimize(): method \(method) cannot handle bounds; use method='L-BFGS-B'")
        }
    }

    /// Reads the bounds, clips x0 into them and runs L-BFGS-B.
    static func runLBFGSB(_ objective: Objective, _ x0: [Double], bounds: Value?, settings: LBFGSBSettings) throws -> OptimizeOutcome {
        let (lower, upper) = try Minimize.bounds(bounds, n: x0.count, caller: objective.caller)
        objective.lower = lower
        objective.upper = upper
        return try LBFGSB.minimize(objective, x0: Minimize.clip(x0, lower, upper), lower: lower, upper: upper,
                                   settings: settings)
    }
}

// Documentation of the optimisation builtins (SPEC §10; see Docs.swift for the
// format).

extension Docs {
    static let optimize: [BuiltinDoc] = [
        BuiltinDoc("fmin_l_bfgs_b",
                   "fmin_l_bfgs_b(func, x0, fprime=None, args=(), approx_grad=False, bounds=None, m=10, factr=1e7, pgtol=1e-5, epsilon=1e-8, iprint=None, maxfun=15000, maxiter=15000, disp=False, maxls=20)",
                   "Minimizes `func(x, *args)` with L-BFGS-B 3.0 (the Fortran code SciPy wraps, driven as SciPy 1.17 drives it, so iterates and counts match SciPy's) and returns `(x, f, info)`, `info` a record with SciPy's keys `grad task funcalls nit warnflag` (warnflag 0 converged, 1 a limit reached, 2 otherwise). The gradient is automatic (one compiled `value_and_grad` evaluation per function call); `fprime(x, *args)` gives one instead, `approx_grad=True` uses SciPy's forward differences with step `epsilon`, and a `func` returning `(value, gradient)` is recognised as in SciPy. `x0` may have any shape: x and grad come back in that shape (a number for a number). `bounds` is a list of `(lo, hi)` pairs, `None` meaning unbounded, or one pair for every variable; x0 is clipped into them. `m` corrections are kept; the run stops when the relative reduction of f is at most `factr` times machine epsilon or the projected gradient's largest element is at most `pgtol`, or after `maxiter` iterations or more than `maxfun` evaluations (checked after an iteration, as SciPy). `disp=True` prints one line per iteration. Ctrl-C stops it and returns the last iterate with task 'STOP: INTERRUPTED BY CTRL-C'; a nan or inf from `func` or the gradient is an error. `iprint` is accepted and ignored; `maxls` must be 20, the library's built-in line-search limit.",
                   example: """
                   >>> x, f, info = fmin_l_bfgs_b(lambda x: sum((x + 1) ** 2), zeros(3))
                   >>> x
                   array([-1., -1., -1.])
                   >>> info["nit"], info["funcalls"], info["task"]
                   (2, 3, 'CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL')
                   >>> fmin_l_bfgs_b(lambda x: (x - 2) ** 2, 0.0, bounds=(None, 1))[0]
                   1.0
                   """),
        BuiltinDoc("minimize",
                   "minimize(fun, x0, args=(), method=\"L-BFGS-B\", jac=None, hess=None, hessp=None, bounds=None, tol=None, options=None)",
                   "Minimizes `fun(x, *args)` as SciPy's `minimize` and returns a record with SciPy's fields `fun x jac nit nfev njev status success message` (BFGS adds `hess_inv` after `jac`, Newton-CG `nhev` after `njev`); x and jac have x0's shape. Methods: 'L-BFGS-B' (the default, as SPEC §10 says; SciPy picks BFGS when there are no bounds) through the L-BFGS-B 3.0 library, with `bounds` as for `fmin_l_bfgs_b` and options `maxcor ftol gtol eps maxfun maxiter disp maxls` (`ftol` is factr·ε, default 2.22e-9; `tol` sets ftol and gtol); 'BFGS' (N&W Algorithm 6.1 with a dense inverse Hessian; options `gtol norm eps maxiter xrtol c1 c2 disp`; `tol` sets gtol); 'Newton-CG' (truncated Newton, N&W Algorithm 7.1, with exact Hessian-vector products from the autodiff engine unless `hessp(x, p, *args)` or `hess(x, *args)` is given; options `xtol maxiter c1 c2 disp`; `tol` sets xtol). BFGS and Newton-CG follow SciPy 1.17's code step by step, including its Moré-Thuente line search and fallback, so counts match SciPy's. `jac`: None is the automatic gradient, a function gives one, True means `fun` returns `(value, gradient)`, False or '2-point' forward differences as SciPy. An unknown option is an error. Ctrl-C returns the last iterate with success False and a message saying it was interrupted; a nan or inf from `fun` or its gradient is an error.",
                   example: """
                   >>> rosen = lambda x: sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
                   >>> r = minimize(rosen, [-1.2, 1.0])
                   >>> r.x
                   array([0.99999895, 0.99999802])
                   >>> r.nit, r.nfev, r.message
                   (36, 44, 'CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH')
                   >>> r = minimize(rosen, [-1.2, 1.0], method="Newton-CG")
                   >>> r.nit, r.nfev, r.nhev
                   (83, 105, 142)
                   >>> minimize(lambda x: sum((x - 3) ** 2), zeros(2), bounds=[(0, 1), (None, None)])
                   {'fun': 4.0, 'x': array([1., 3.]), 'jac': array([-4.,  0.]), 'nit': 2, 'nfev': 3, 'njev': 3, 'status': 0, 'success': True, 'message': 'CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL'}
                   """),
    ]
}

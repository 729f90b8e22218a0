// L-BFGS-B 3.0 (Byrd, Lu, Nocedal, Zhu; Morales and Nocedal's 2011 revision),
// the Fortran library Debian ships as liblbfgsb0 / liblbfgsb-dev. It has no
// header, so the one routine ADL drives is declared here: `setulb_`, the
// reverse-communication entry point, as gfortran passes its arguments.
//
// - INTEGER and LOGICAL are 32-bit `int`;
// - `task` and `csave` are CHARACTER*60: blank-padded, not NUL-terminated,
//   with their hidden lengths passed last as `size_t`.
//
// Like LAPACKE (Sources/CLAPACKE/shim.h), the library is not linked: ADL opens
// liblbfgsb.so.0 on the first L-BFGS-B call (Sources/ADL/Optimize/LBFGSB.swift),
// because loading it pulls in a second OpenBLAS, LAPACK and libgfortran at
// every start of `adl` whether or not a program optimises anything.
#include <stddef.h>

void setulb_(const int *n, const int *m, double *x, const double *l, const double *u,
             const int *nbd, double *f, double *g, const double *factr, const double *pgtol,
             double *wa, int *iwa, char *task, const int *iprint, char *csave, int *lsave,
             int *isave, double *dsave, size_t task_len, size_t csave_len);

/// The type of `setulb_`, as looked up with dlsym.
typedef void (*adl_setulb_t)(const int *, const int *, double *, const double *, const double *,
                             const int *, double *, double *, const double *, const double *,
                             double *, int *, char *, const int *, char *, int *,
                             int *, double *, size_t, size_t);

/// MINPACK-2's line search (Moré and Thuente), which L-BFGS-B 3.0 contains and
/// exports: SciPy's BFGS and Newton-CG use a Python port of the same routine,
/// so ADL's BFGS and Newton-CG call this one. isave has 2 elements, dsave 13.
void dcsrch_(double *f, double *g, double *stp, const double *ftol, const double *gtol,
             const double *xtol, const double *stpmin, const double *stpmax, char *task,
             int *isave, double *dsave, size_t task_len);

/// The type of `dcsrch_`, as looked up with dlsym.
typedef void (*adl_dcsrch_t)(double *, double *, double *, const double *, const double *,
                             const double *, const double *, const double *, char *,
                             int *, double *, size_t);

// LAPACKE, the C interface to LAPACK (Debian's liblapacke, whose LAPACK is
// OpenBLAS's through the liblapack.so.3 alternative). `lapack_int` is int32_t.
//
// The library is not linked: ADL opens liblapacke.so.3 on the first linear
// algebra call (Arrays/LAPACKE.swift), because loading it and its dependency
// chain (a second and third OpenBLAS, libgfortran) costs about 1.3 ms at every
// start. The declarations below are the types of the functions ADL looks up.
#include <lapacke.h>

typedef lapack_int (*adl_dgetrf_work_t)(int, lapack_int, lapack_int, double *, lapack_int, lapack_int *);
typedef lapack_int (*adl_dgetrs_work_t)(int, char, lapack_int, lapack_int, const double *, lapack_int,
                                        const lapack_int *, double *, lapack_int);
typedef lapack_int (*adl_dpotrf_work_t)(int, char, lapack_int, double *, lapack_int);
typedef lapack_int (*adl_dgesdd_work_t)(int, char, lapack_int, lapack_int, double *, lapack_int, double *,
                                        double *, lapack_int, double *, lapack_int, double *, lapack_int,
                                        lapack_int *);

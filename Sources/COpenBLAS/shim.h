// OpenBLAS's CBLAS interface. The library is not linked: ADL opens
// libopenblas.so.0 on the first matrix product or solve (Arrays/BLAS.swift),
// because loading and initialising it (its thread pool, libgfortran) cost
// about 1.5 ms at every start of `adl` (B11). The types below are those of
// the functions ADL looks up, taken from the header's own declarations.
#include <cblas.h>

typedef __typeof__(&cblas_ddot) adl_cblas_ddot_t;
typedef __typeof__(&cblas_dswap) adl_cblas_dswap_t;
typedef __typeof__(&cblas_dgemv) adl_cblas_dgemv_t;
typedef __typeof__(&cblas_dgemm) adl_cblas_dgemm_t;
typedef __typeof__(&cblas_dtrsm) adl_cblas_dtrsm_t;
typedef __typeof__(&openblas_get_num_threads) adl_openblas_get_num_threads_t;
typedef __typeof__(&openblas_set_num_threads) adl_openblas_set_num_threads_t;

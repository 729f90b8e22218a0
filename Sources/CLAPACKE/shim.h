// LAPACKE, the C interface to LAPACK (Debian's liblapacke, whose LAPACK is
// OpenBLAS's through the liblapack.so.3 alternative). `lapack_int` is int32_t.
#include <lapacke.h>

// C helpers of the interpreter.
//
// Vectorised elementwise maths over contiguous double arrays, through glibc's
// libmvec (the SIMD variants of exp, log, sin, ...): what NumPy's own SIMD
// loops do, 3-5x faster than one libm call per element.
#ifndef ADL_CSUPPORT_H
#define ADL_CSUPPORT_H

/// The functions, in the order of `adl_vmath`'s `which` argument.
/// (Those libmvec has and the compiler maps: the rest stay one libm call per element.)
enum adl_vmath_function {
    ADL_VMATH_EXP, ADL_VMATH_LOG, ADL_VMATH_SIN, ADL_VMATH_COS, ADL_VMATH_TAN
};

/// out[i] = f(x[i]) for i < n, with f chosen by `which`; `out` may equal `x`.
/// Returns 0 when `which` is unknown (nothing written), 1 otherwise.
int adl_vmath(int which, const double *x, double *out, long n);

/// Makes glibc serve large blocks from the heap and keep freed ones there, so a
/// new array reuses the pages of the last freed one instead of mapping fresh,
/// kernel-zeroed memory (20 ms per 80 MB temporary).
void adl_keep_freed_memory(void);

#endif

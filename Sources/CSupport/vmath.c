// Loops the compiler vectorises into calls of libmvec (-fveclib=libmvec):
// an AVX2 version chosen at run time when the CPU has it, else the SSE2 one
// that every x86-64 has. The special values (nan, inf, domain errors) are
// those of libm: libmvec falls back to the scalar function for them.
#include <math.h>
#include "CSupport.h"

#define LOOP(name, f) \
    static void name##_sse2(const double *x, double *out, long n) { \
        for (long i = 0; i < n; i++) out[i] = f(x[i]); \
    } \
    __attribute__((target("avx2,fma"))) static void name##_avx2(const double *x, double *out, long n) { \
        for (long i = 0; i < n; i++) out[i] = f(x[i]); \
    }

LOOP(v_exp, exp) LOOP(v_log, log) LOOP(v_sin, sin) LOOP(v_cos, cos) LOOP(v_tan, tan)

typedef void (*vmath_loop)(const double *, double *, long);

#define PAIR(name) { name##_sse2, name##_avx2 }
static const vmath_loop loops[][2] = {
    PAIR(v_exp), PAIR(v_log), PAIR(v_sin), PAIR(v_cos), PAIR(v_tan),
};

int adl_vmath(int which, const double *x, double *out, long n) {
    static int has_avx2 = -1;
    if (which < 0 || which >= (int)(sizeof loops / sizeof loops[0])) return 0;
    if (has_avx2 < 0) {
        __builtin_cpu_init();
        has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    loops[which][has_avx2](x, out, n);
    return 1;
}

// Vectorised elementwise maths over contiguous float64 arrays (see CSupport.h).
//
// Every function runs at the SIMD level `adl_simd_level` picks at run time:
// SSE2 (2 lanes, every x86-64), AVX2 (4 lanes) or AVX-512 (8 lanes). The
// transcendental functions are glibc's libmvec (`_ZGVbN2v_exp` is exp on an
// SSE2 register, `_ZGVdN4v_exp` on AVX2, `_ZGVeN8v_exp` on AVX-512), called by
// the loops of mvec.S: at most 4 ulp from the correctly rounded result, and for
// the special values (nan, inf, signed zeros, subnormals, domain errors)
// libmvec falls back to the scalar libm function, so those give libm's (and
// NumPy's) results exactly. The last partial vector goes through a buffer
// padded with its first element, so every element of an array goes through the
// same code whatever its position. sqrt is one instruction per vector; tanh is
// built from libmvec's expm1.
//
// Invariants: `out` may equal an input (each vector is read before it is
// written); a step of 0 repeats element 0 of that input, 1 walks it.
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "CSupport.h"

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f")))

// MARK: - The libmvec entry points, called through mvec.S

// Only their addresses are taken here: mvec.S calls them with vectors in registers.
#define DECLARE(f) extern void _ZGVbN2v_##f(void), _ZGVdN4v_##f(void), _ZGVeN8v_##f(void);
#define DECLARE2(f) extern void _ZGVbN2vv_##f(void), _ZGVdN4vv_##f(void), _ZGVeN8vv_##f(void);
DECLARE(exp) DECLARE(exp2) DECLARE(expm1)
DECLARE(log) DECLARE(log2) DECLARE(log10) DECLARE(log1p)
DECLARE(sin) DECLARE(cos) DECLARE(tan)
DECLARE(asin) DECLARE(acos) DECLARE(atan)
DECLARE(sinh) DECLARE(cosh)
DECLARE(asinh) DECLARE(acosh) DECLARE(atanh)
DECLARE2(atan2) DECLARE2(hypot) DECLARE2(pow)

extern void adl_mvec_unary_b(const void *, const double *, double *, long);
extern void adl_mvec_unary_d(const void *, const double *, double *, long);
extern void adl_mvec_unary_e(const void *, const double *, double *, long);
extern void adl_mvec_binary_b(const void *, const double *, long, const double *, long, double *, long);
extern void adl_mvec_binary_d(const void *, const double *, long, const double *, long, double *, long);
extern void adl_mvec_binary_e(const void *, const double *, long, const double *, long, double *, long);

typedef void (*unary_driver)(const void *, const double *, double *, long);
typedef void (*binary_driver)(const void *, const double *, long, const double *, long, double *, long);

static const unary_driver unary_drivers[3] = {adl_mvec_unary_b, adl_mvec_unary_d, adl_mvec_unary_e};
static const binary_driver binary_drivers[3] = {adl_mvec_binary_b, adl_mvec_binary_d, adl_mvec_binary_e};
static const int lanes[3] = {2, 4, 8};

/// out[i] = f(x[i]) for i < n with libmvec's `fns[level]`: whole vectors in place,
/// then the last partial vector through a buffer padded with its first element.
static void mvec_unary(const void *const fns[3], int level, const double *x, double *out, long n) {
    long width = lanes[level], whole = n / width, done = whole * width;
    if (whole > 0) unary_drivers[level](fns[level], x, out, whole);
    if (done < n) {
        double in[8], res[8];
        for (long k = 0; k < width; k++) in[k] = x[done + k < n ? done + k : done];
        unary_drivers[level](fns[level], in, res, 1);
        memcpy(out + done, res, (size_t)(n - done) * sizeof(double));
    }
}

/// out[i] = f(a[i * a_step], b[i * b_step]) for i < n (steps 0 or 1) with `fns[level]`.
static void mvec_binary(const void *const fns[3], int level, const double *a, long a_step,
                        const double *b, long b_step, double *out, long n) {
    long width = lanes[level], whole = n / width, done = whole * width;
    double fixed_a[8], fixed_b[8];
    // A repeated operand is one vector of copies, read again for each vector (step 0).
    for (long k = 0; k < width; k++) {
        fixed_a[k] = a[0];
        fixed_b[k] = b[0];
    }
    const double *va = a_step ? a : fixed_a, *vb = b_step ? b : fixed_b;
    long bytes = width * (long)sizeof(double);
    if (whole > 0) binary_drivers[level](fns[level], va, a_step ? bytes : 0, vb, b_step ? bytes : 0, out, whole);
    if (done < n) {
        double in_a[8], in_b[8], res[8];
        for (long k = 0; k < width; k++) {
            long j = done + k < n ? done + k : done;
            in_a[k] = a[a_step * j];
            in_b[k] = b[b_step * j];
        }
        binary_drivers[level](fns[level], in_a, 0, in_b, 0, res, 1);
        memcpy(out + done, res, (size_t)(n - done) * sizeof(double));
    }
}

// MARK: - Functions built from intrinsics and libmvec

static void sqrt_sse2(const double *x, double *out, long n) {
    long i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(out + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
    if (i < n) out[i] = _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x[i])));
}

AVX2 static void sqrt_avx2(const double *x, double *out, long n) {
    long i = 0;
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, _mm256_sqrt_pd(_mm256_loadu_pd(x + i)));
    for (; i < n; i++) out[i] = _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x[i])));
}

AVX512 static void sqrt_avx512(const double *x, double *out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm512_storeu_pd(out + i, _mm512_sqrt_pd(_mm512_loadu_pd(x + i)));
    if (i < n) {
        __mmask8 m = (__mmask8)((1u << (n - i)) - 1);
        _mm512_mask_storeu_pd(out + i, m, _mm512_sqrt_pd(_mm512_maskz_loadu_pd(m, x + i)));
    }
}

static const void *const expm1_fns[3] = {_ZGVbN2v_expm1, _ZGVdN4v_expm1, _ZGVeN8v_expm1};

// tanh x = sign(x) * -t / (t + 2) with t = expm1(-2|x|), in (-1, 0]: no
// cancellation, at most ~3 ulp, and twice as fast as libmvec's own tanh at
// AVX2 and AVX-512. Exact at ±0 (signed), ±inf (±1), nan, subnormals (x).
// Blocks of 256 stay in L1 between the three steps; `out` may equal `x`.
static void tanh_loop(int level, const double *x, double *out, long n) {
    double t[256];
    for (long start = 0; start < n; start += 256) {
        long m = n - start < 256 ? n - start : 256;
        for (long k = 0; k < m; k++) t[k] = -2.0 * __builtin_fabs(x[start + k]);
        mvec_unary(expm1_fns, level, t, t, m);
        for (long k = 0; k < m; k++) {
            double r = -t[k] / (t[k] + 2.0);
            out[start + k] = __builtin_copysign(r, x[start + k]);
        }
    }
}

// MARK: - Dispatch

static int simd_level = -1;  // the chosen ADL_SIMD_* level; -1 until first use

int adl_simd_level(void) {
    int level = __atomic_load_n(&simd_level, __ATOMIC_RELAXED);
    if (level >= 0) return level;
    __builtin_cpu_init();
    level = ADL_SIMD_SSE2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = ADL_SIMD_AVX2;
    if (__builtin_cpu_supports("avx512f")) level = ADL_SIMD_AVX512;
    // ADL_SIMD=sse2|avx2 caps the level (for testing every path on one machine).
    const char *cap = getenv("ADL_SIMD");
    if (cap && strcmp(cap, "sse2") == 0) level = ADL_SIMD_SSE2;
    if (cap && strcmp(cap, "avx2") == 0 && level > ADL_SIMD_AVX2) level = ADL_SIMD_AVX2;
    __atomic_store_n(&simd_level, level, __ATOMIC_RELAXED);
    return level;
}

int adl_simd_set_level(int level) {
    __atomic_store_n(&simd_level, -1, __ATOMIC_RELAXED);
    int best = adl_simd_level();
    int chosen = level < ADL_SIMD_SSE2 ? ADL_SIMD_SSE2 : (level > best ? best : level);
    __atomic_store_n(&simd_level, chosen, __ATOMIC_RELAXED);
    return chosen;
}

#define FNS(f) {_ZGVbN2v_##f, _ZGVdN4v_##f, _ZGVeN8v_##f}
#define FNS2(f) {_ZGVbN2vv_##f, _ZGVdN4vv_##f, _ZGVeN8vv_##f}

// libmvec's variants of each function, in the order of enum adl_vmath_function
// (NULL for those computed here: tanh and sqrt).
static const void *const unary_fns[][3] = {
    FNS(exp), FNS(exp2), FNS(expm1),
    FNS(log), FNS(log2), FNS(log10), FNS(log1p),
    FNS(sin), FNS(cos), FNS(tan),
    FNS(asin), FNS(acos), FNS(atan),
    FNS(sinh), FNS(cosh), {0, 0, 0},
    FNS(asinh), FNS(acosh), FNS(atanh),
    {0, 0, 0},
};

// In the order of enum adl_vmath2_function.
static const void *const binary_fns[][3] = {FNS2(atan2), FNS2(hypot), FNS2(pow)};

_Static_assert(sizeof unary_fns / sizeof unary_fns[0] == ADL_VMATH_COUNT, "one row per function");
_Static_assert(sizeof binary_fns / sizeof binary_fns[0] == ADL_VMATH2_COUNT, "one row per function");

int adl_vmath(int which, const double *x, double *out, long n) {
    if (which < 0 || which >= ADL_VMATH_COUNT) return 0;
    if (n <= 0) return 1;
    int level = adl_simd_level();
    switch (which) {
    case ADL_VMATH_SQRT:
        if (level == ADL_SIMD_AVX512) sqrt_avx512(x, out, n);
        else if (level == ADL_SIMD_AVX2) sqrt_avx2(x, out, n);
        else sqrt_sse2(x, out, n);
        break;
    case ADL_VMATH_TANH:
        tanh_loop(level, x, out, n);
        break;
    default:
        mvec_unary(unary_fns[which], level, x, out, n);
        break;
    }
    return 1;
}

int adl_vmath2(int which, const double *a, long a_step, const double *b, long b_step,
               double *out, long n) {
    if (which < 0 || which >= ADL_VMATH2_COUNT) return 0;
    if (n > 0) mvec_binary(binary_fns[which], adl_simd_level(), a, a_step != 0, b, b_step != 0, out, n);
    return 1;
}

// Vectorised elementwise maths over contiguous float64 arrays (see CSupport.h).
//
// Each function has three loops, one per x86-64 SIMD level: SSE2 (2 lanes,
// every x86-64), AVX2 (4 lanes) and AVX-512 (8 lanes); `adl_simd_level` picks
// one at run time. The transcendental functions call glibc's libmvec directly
// through the x86-64 vector ABI (`_ZGVbN2v_exp` is exp on an SSE2 register,
// `_ZGVdN4v_` on AVX2, `_ZGVeN8v_` on AVX-512): at most 4 ulp from the
// correctly rounded result, and for the special values (nan, inf, signed zeros,
// subnormals, domain errors) libmvec falls back to the scalar libm function,
// so those give libm's (and NumPy's) results exactly. The last partial vector
// is padded with a copy of its first element, so every element of an array
// goes through the same code whatever its position.
//
// Invariants: `out` may equal an input (each vector is read before it is
// written); a step of 0 broadcasts element 0 of that input, 1 walks it.
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "CSupport.h"

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f")))

// MARK: - The libmvec entry points

#define DECLARE_UNARY(f)                                   \
    extern __m128d _ZGVbN2v_##f(__m128d);                  \
    AVX2 extern __m256d _ZGVdN4v_##f(__m256d);             \
    AVX512 extern __m512d _ZGVeN8v_##f(__m512d);

#define DECLARE_BINARY(f)                                  \
    extern __m128d _ZGVbN2vv_##f(__m128d, __m128d);        \
    AVX2 extern __m256d _ZGVdN4vv_##f(__m256d, __m256d);   \
    AVX512 extern __m512d _ZGVeN8vv_##f(__m512d, __m512d);

DECLARE_UNARY(exp) DECLARE_UNARY(exp2) DECLARE_UNARY(expm1)
DECLARE_UNARY(log) DECLARE_UNARY(log2) DECLARE_UNARY(log10) DECLARE_UNARY(log1p)
DECLARE_UNARY(sin) DECLARE_UNARY(cos) DECLARE_UNARY(tan)
DECLARE_UNARY(asin) DECLARE_UNARY(acos) DECLARE_UNARY(atan)
DECLARE_UNARY(sinh) DECLARE_UNARY(cosh) DECLARE_UNARY(tanh)
DECLARE_UNARY(asinh) DECLARE_UNARY(acosh) DECLARE_UNARY(atanh)
DECLARE_BINARY(atan2) DECLARE_BINARY(hypot) DECLARE_BINARY(pow)

// MARK: - Functions built from intrinsics and libmvec

static inline __m128d b_sqrt(__m128d x) { return _mm_sqrt_pd(x); }
AVX2 static inline __m256d d_sqrt(__m256d x) { return _mm256_sqrt_pd(x); }
AVX512 static inline __m512d e_sqrt(__m512d x) { return _mm512_sqrt_pd(x); }

// tanh x = sign(x) * -t / (t + 2) with t = expm1(-2|x|), in (-1, 0]: no
// cancellation, at most ~3 ulp, and twice as fast as libmvec's own AVX2 and
// AVX-512 tanh. Exact at ±0 (signed), ±inf (±1), nan, subnormals (x).
AVX2 static inline __m256d d_tanh(__m256d x) {
    const __m256d sign = _mm256_set1_pd(-0.0);
    __m256d t = _ZGVdN4v_expm1(_mm256_mul_pd(_mm256_andnot_pd(sign, x), _mm256_set1_pd(-2.0)));
    __m256d r = _mm256_div_pd(_mm256_xor_pd(t, sign), _mm256_add_pd(t, _mm256_set1_pd(2.0)));
    return _mm256_or_pd(r, _mm256_and_pd(sign, x));
}

AVX512 static inline __m512d e_tanh(__m512d x) {
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ULL);
    __m512i bits = _mm512_castpd_si512(x);
    __m512d magnitude = _mm512_castsi512_pd(_mm512_andnot_si512(sign, bits));
    __m512d t = _ZGVeN8v_expm1(_mm512_mul_pd(magnitude, _mm512_set1_pd(-2.0)));
    __m512d minus_t = _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(t), sign));
    __m512d r = _mm512_div_pd(minus_t, _mm512_add_pd(t, _mm512_set1_pd(2.0)));
    return _mm512_castsi512_pd(_mm512_or_si512(_mm512_castpd_si512(r), _mm512_and_si512(sign, bits)));
}

// MARK: - Loops

// Lane masks for the last partial AVX2 vector: 4 - k lanes on from lanes + k.
static const long long avx2_lanes[8] = {-1, -1, -1, -1, 0, 0, 0, 0};

#define UNARY_LOOPS(name, fb, fd, fe)                                                   \
    static void name##_sse2(const double *x, double *out, long n) {                     \
        long i = 0;                                                                     \
        for (; i + 2 <= n; i += 2) _mm_storeu_pd(out + i, fb(_mm_loadu_pd(x + i)));     \
        if (i < n) _mm_store_sd(out + i, fb(_mm_set1_pd(x[i])));                        \
    }                                                                                   \
    AVX2 static void name##_avx2(const double *x, double *out, long n) {                \
        long i = 0;                                                                     \
        for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, fd(_mm256_loadu_pd(x + i))); \
        if (i < n) {                                                                    \
            __m256i m = _mm256_loadu_si256((const __m256i *)(avx2_lanes + 4 - (n - i))); \
            __m256d v = _mm256_blendv_pd(_mm256_set1_pd(x[i]), _mm256_maskload_pd(x + i, m), \
                                         _mm256_castsi256_pd(m));                       \
            _mm256_maskstore_pd(out + i, m, fd(v));                                     \
        }                                                                               \
    }                                                                                   \
    AVX512 static void name##_avx512(const double *x, double *out, long n) {            \
        long i = 0;                                                                     \
        for (; i + 8 <= n; i += 8) _mm512_storeu_pd(out + i, fe(_mm512_loadu_pd(x + i))); \
        if (i < n) {                                                                    \
            __mmask8 m = (__mmask8)((1u << (n - i)) - 1);                               \
            __m512d v = _mm512_mask_loadu_pd(_mm512_set1_pd(x[i]), m, x + i);           \
            _mm512_mask_storeu_pd(out + i, m, fe(v));                                   \
        }                                                                               \
    }

#define LIBMVEC_UNARY(f) UNARY_LOOPS(v_##f, _ZGVbN2v_##f, _ZGVdN4v_##f, _ZGVeN8v_##f)

LIBMVEC_UNARY(exp) LIBMVEC_UNARY(exp2) LIBMVEC_UNARY(expm1)
LIBMVEC_UNARY(log) LIBMVEC_UNARY(log2) LIBMVEC_UNARY(log10) LIBMVEC_UNARY(log1p)
LIBMVEC_UNARY(sin) LIBMVEC_UNARY(cos) LIBMVEC_UNARY(tan)
LIBMVEC_UNARY(asin) LIBMVEC_UNARY(acos) LIBMVEC_UNARY(atan)
LIBMVEC_UNARY(sinh) LIBMVEC_UNARY(cosh)
LIBMVEC_UNARY(asinh) LIBMVEC_UNARY(acosh) LIBMVEC_UNARY(atanh)
UNARY_LOOPS(v_tanh, _ZGVbN2v_tanh, d_tanh, e_tanh)
UNARY_LOOPS(v_sqrt, b_sqrt, d_sqrt, e_sqrt)

// A step of 1 walks an input, 0 broadcasts its element 0.
#define LOAD_SSE2(p, step, i) ((step) ? _mm_loadu_pd((p) + (i)) : _mm_set1_pd((p)[0]))
#define LOAD_AVX2(p, step, i) ((step) ? _mm256_loadu_pd((p) + (i)) : _mm256_set1_pd((p)[0]))
#define LOAD_AVX512(p, step, i) ((step) ? _mm512_loadu_pd((p) + (i)) : _mm512_set1_pd((p)[0]))

#define BINARY_LOOPS(name, fb, fd, fe)                                                  \
    static void name##_sse2(const double *a, long sa, const double *b, long sb,         \
                            double *out, long n) {                                      \
        long i = 0;                                                                     \
        for (; i + 2 <= n; i += 2)                                                      \
            _mm_storeu_pd(out + i, fb(LOAD_SSE2(a, sa, i), LOAD_SSE2(b, sb, i)));       \
        if (i < n)                                                                      \
            _mm_store_sd(out + i, fb(_mm_set1_pd(a[sa * i]), _mm_set1_pd(b[sb * i])));  \
    }                                                                                   \
    AVX2 static void name##_avx2(const double *a, long sa, const double *b, long sb,    \
                                 double *out, long n) {                                 \
        long i = 0;                                                                     \
        for (; i + 4 <= n; i += 4)                                                      \
            _mm256_storeu_pd(out + i, fd(LOAD_AVX2(a, sa, i), LOAD_AVX2(b, sb, i)));    \
        if (i < n) {                                                                    \
            double pa[4], pb[4], po[4];                                                 \
            for (long k = 0; k < 4; k++) {                                              \
                long j = i + k < n ? i + k : i;                                         \
                pa[k] = a[sa * j];                                                      \
                pb[k] = b[sb * j];                                                      \
            }                                                                           \
            _mm256_storeu_pd(po, fd(_mm256_loadu_pd(pa), _mm256_loadu_pd(pb)));         \
            memcpy(out + i, po, (size_t)(n - i) * sizeof(double));                      \
        }                                                                               \
    }                                                                                   \
    AVX512 static void name##_avx512(const double *a, long sa, const double *b, long sb, \
                                     double *out, long n) {                             \
        long i = 0;                                                                     \
        for (; i + 8 <= n; i += 8)                                                      \
            _mm512_storeu_pd(out + i, fe(LOAD_AVX512(a, sa, i), LOAD_AVX512(b, sb, i))); \
        if (i < n) {                                                                    \
            __mmask8 m = (__mmask8)((1u << (n - i)) - 1);                               \
            __m512d va = _mm512_set1_pd(a[sa * i]), vb = _mm512_set1_pd(b[sb * i]);     \
            if (sa) va = _mm512_mask_loadu_pd(va, m, a + i);                            \
            if (sb) vb = _mm512_mask_loadu_pd(vb, m, b + i);                            \
            _mm512_mask_storeu_pd(out + i, m, fe(va, vb));                              \
        }                                                                               \
    }

#define LIBMVEC_BINARY(f) BINARY_LOOPS(v_##f, _ZGVbN2vv_##f, _ZGVdN4vv_##f, _ZGVeN8vv_##f)

LIBMVEC_BINARY(atan2) LIBMVEC_BINARY(hypot) LIBMVEC_BINARY(pow)

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

typedef void (*unary_loop)(const double *, double *, long);
typedef void (*binary_loop)(const double *, long, const double *, long, double *, long);

#define UNARY_ENTRY(name) { name##_sse2, name##_avx2, name##_avx512 }

// In the order of enum adl_vmath_function.
static const unary_loop unary_loops[][3] = {
    UNARY_ENTRY(v_exp), UNARY_ENTRY(v_exp2), UNARY_ENTRY(v_expm1),
    UNARY_ENTRY(v_log), UNARY_ENTRY(v_log2), UNARY_ENTRY(v_log10), UNARY_ENTRY(v_log1p),
    UNARY_ENTRY(v_sin), UNARY_ENTRY(v_cos), UNARY_ENTRY(v_tan),
    UNARY_ENTRY(v_asin), UNARY_ENTRY(v_acos), UNARY_ENTRY(v_atan),
    UNARY_ENTRY(v_sinh), UNARY_ENTRY(v_cosh), UNARY_ENTRY(v_tanh),
    UNARY_ENTRY(v_asinh), UNARY_ENTRY(v_acosh), UNARY_ENTRY(v_atanh),
    UNARY_ENTRY(v_sqrt),
};

// In the order of enum adl_vmath2_function.
static const binary_loop binary_loops[][3] = {
    UNARY_ENTRY(v_atan2), UNARY_ENTRY(v_hypot), UNARY_ENTRY(v_pow),
};

_Static_assert(sizeof unary_loops / sizeof unary_loops[0] == ADL_VMATH_COUNT, "one row per function");
_Static_assert(sizeof binary_loops / sizeof binary_loops[0] == ADL_VMATH2_COUNT, "one row per function");

int adl_vmath(int which, const double *x, double *out, long n) {
    if (which < 0 || which >= ADL_VMATH_COUNT) return 0;
    if (n > 0) unary_loops[which][adl_simd_level()](x, out, n);
    return 1;
}

int adl_vmath2(int which, const double *a, long a_step, const double *b, long b_step,
               double *out, long n) {
    if (which < 0 || which >= ADL_VMATH2_COUNT) return 0;
    if (n > 0) binary_loops[which][adl_simd_level()](a, a_step != 0, b, b_step != 0, out, n);
    return 1;
}

// Reduction kernels over contiguous float64 runs and rows (see CSupport.h).
//
// One generic body per kernel, written with 8-lane vector types (GCC vector
// extensions), compiled three times: for SSE2 (the compiler splits a vector
// into four registers), AVX2 (two) and AVX-512 (one); `adl_simd_level` picks
// one at run time. Lane arithmetic is IEEE arithmetic at every level, so the
// results do not depend on the level: `adl_sum` adds in exactly the order of
// NumPy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src), whose
// eight partial sums are the eight lanes.
#include <immintrin.h>
#include "CSupport.h"

typedef double v8d __attribute__((vector_size(64)));
typedef long long v8i __attribute__((vector_size(64)));

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f")))

/// An unaligned 8-lane load (a macro: a function returning a vector would change the ABI per level).
typedef double v8d_unaligned __attribute__((vector_size(64), aligned(8)));
#define load8(p) (*(const v8d_unaligned *)(p))

// Lanewise a where mask (all ones) else b.
#define SELECT(mask, a, b) ((v8d)(((mask) & (v8i)(a)) | (~(mask) & (v8i)(b))))

// The largest (is_max) or smallest element of a[0..<n], nan when there is one; n >= 1.
// Inlined into each level's wrapper with is_max constant.
__attribute__((always_inline)) static inline double extreme(const double *a, long n, const int is_max) {
    long i = 0;
    double best = a[0];
    int nan = a[0] != a[0];
    if (n >= 16) {
        v8d m0 = load8(a), m1 = load8(a + 8);
        v8i unordered = (v8i)(m0 != m0) | (v8i)(m1 != m1);
        for (i = 16; i + 16 <= n; i += 16) {
            v8d x0 = load8(a + i), x1 = load8(a + i + 8);
            v8i take0 = is_max ? (v8i)(x0 > m0) : (v8i)(x0 < m0);
            v8i take1 = is_max ? (v8i)(x1 > m1) : (v8i)(x1 < m1);
            m0 = SELECT(take0, x0, m0);
            m1 = SELECT(take1, x1, m1);
            unordered |= (v8i)(x0 != x0) | (v8i)(x1 != x1);
        }
        v8i take = is_max ? (v8i)(m1 > m0) : (v8i)(m1 < m0);
        m0 = SELECT(take, m1, m0);
        for (int k = 0; k < 8; k++) {
            nan |= unordered[k] != 0;
            if (is_max ? m0[k] > best : m0[k] < best) best = m0[k];
        }
    }
    for (; i < n; i++) {
        double x = a[i];
        nan |= x != x;
        if (is_max ? x > best : x < best) best = x;
    }
    return nan ? __builtin_nan("") : best;
}

// np.maximum (is_max) or np.minimum of d and s: nan wins, then the larger (smaller), s on ties.
#define MAX_STEP(d, s) (((d) > (s) || (d) != (d)) ? (d) : (s))
#define MIN_STEP(d, s) (((d) < (s) || (d) != (d)) ? (d) : (s))

// dst += row (is_add) or dst *= row for each row of n in order. Four rows at a time
// go through registers (((dst + r0) + r1) + r2) + r3: the order of NumPy's row by row
// loop, so the same bits, with a quarter of the loads and stores of dst.
__attribute__((always_inline)) static inline void rows_arith(double *restrict dst, const double *restrict src,
                                                             long rows, long n, const int is_add) {
    long r = 0;
    for (; r + 4 <= rows; r += 4, src += 4 * n) {
        const double *r0 = src, *r1 = src + n, *r2 = src + 2 * n, *r3 = src + 3 * n;
        for (long i = 0; i < n; i++)
            dst[i] = is_add ? (((dst[i] + r0[i]) + r1[i]) + r2[i]) + r3[i]
                            : (((dst[i] * r0[i]) * r1[i]) * r2[i]) * r3[i];
    }
    for (; r < rows; r++, src += n)
        for (long i = 0; i < n; i++) dst[i] = is_add ? dst[i] + src[i] : dst[i] * src[i];
}

// dst = maximum(dst, row) (or minimum) for each row of n (`stride` apart) in order.
__attribute__((always_inline)) static inline void rows_extreme(double *restrict dst, const double *restrict src,
                                                               long rows, long n, long stride, const int is_max) {
    for (long r = 0; r < rows; r++, src += stride)
        for (long i = 0; i < n; i++) dst[i] = is_max ? MAX_STEP(dst[i], src[i]) : MIN_STEP(dst[i], src[i]);
}
#define rows_extreme_sse2(dst, src, rows, n, is_max) rows_extreme(dst, src, rows, n, n, is_max)
#define rows_extreme_avx2(dst, src, rows, n, is_max) rows_extreme(dst, src, rows, n, n, is_max)

// The same with AVX-512 instructions: groups of four rows are combined first, then
// with dst, eight columns at a time. Same values (the extreme is order-free, nan
// wins, and of equal values the one from the latest row wins either way: vmaxpd a, b
// is `a > b ? a : b`, b on ties) with a quarter of the loads and stores of dst. A nan
// from the rows is a fresh quiet nan (its sign and payload are not kept; nothing
// shows them).
__attribute__((always_inline, target("avx512f"))) static inline __m512d pick512(__m512d a, __m512d b, const int is_max) {
    return is_max ? _mm512_max_pd(a, b) : _mm512_min_pd(a, b);
}

__attribute__((always_inline, target("avx512f"))) static inline void rows_extreme_avx512(
    double *restrict dst, const double *restrict src, long rows, long n, const int is_max) {
    const __m512d nan = _mm512_set1_pd(__builtin_nan(""));
    long r = 0;
    for (; r + 4 <= rows; r += 4, src += 4 * n) {
        const double *r0 = src, *r1 = src + n, *r2 = src + 2 * n, *r3 = src + 3 * n;
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            __m512d x0 = _mm512_loadu_pd(r0 + i), x1 = _mm512_loadu_pd(r1 + i);
            __m512d x2 = _mm512_loadu_pd(r2 + i), x3 = _mm512_loadu_pd(r3 + i);
            __mmask8 unordered = _mm512_cmp_pd_mask(x0, x1, _CMP_UNORD_Q) | _mm512_cmp_pd_mask(x2, x3, _CMP_UNORD_Q);
            __m512d d = _mm512_loadu_pd(dst + i);
            __m512d m = pick512(d, pick512(pick512(x0, x1, is_max), pick512(x2, x3, is_max), is_max), is_max);
            m = _mm512_mask_mov_pd(m, unordered, nan);
            m = _mm512_mask_mov_pd(m, _mm512_cmp_pd_mask(d, d, _CMP_UNORD_Q), d);
            _mm512_storeu_pd(dst + i, m);
        }
        if (i < n) rows_extreme(dst + i, src + i, 4, n - i, n, is_max);
    }
    if (r < rows) rows_extreme(dst, src, rows - r, n, n, is_max);
}

#define REDUCE_KERNELS(suffix, attr)                                                        \
    /* NumPy's pairwise_sum: 8 partial sums under 128 elements, halves above. */            \
    attr static double pairwise_##suffix(const double *a, long n) {                         \
        if (n < 8) {                                                                        \
            double res = 0.0;                                                               \
            for (long i = 0; i < n; i++) res += a[i];                                       \
            return res;                                                                     \
        }                                                                                   \
        if (n <= 128) {                                                                     \
            v8d r = load8(a);                                                               \
            long i = 8, end = n - n % 8;                                                    \
            for (; i < end; i += 8) r += load8(a + i);                                      \
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
            for (; i < n; i++) res += a[i];                                                 \
            return res;                                                                     \
        }                                                                                   \
        long n2 = n / 2;                                                                    \
        n2 -= n2 % 8;                                                                       \
        return pairwise_##suffix(a, n2) + pairwise_##suffix(a + n2, n - n2);                \
    }                                                                                       \
                                                                                            \
    attr static double max_##suffix(const double *a, long n) { return extreme(a, n, 1); }  \
    attr static double min_##suffix(const double *a, long n) { return extreme(a, n, 0); }  \
                                                                                            \
    /* dst op= each of `rows` consecutive rows of src, in order. */                        \
    attr static void rows_##suffix(int op, double *restrict dst, const double *restrict src, \
                                   long rows, long n) {                                     \
        switch (op) {                                                                       \
        case ADL_ROWS_ADD: rows_arith(dst, src, rows, n, 1); break;                         \
        case ADL_ROWS_MUL: rows_arith(dst, src, rows, n, 0); break;                         \
        case ADL_ROWS_MAX: rows_extreme_##suffix(dst, src, rows, n, 1); break;              \
        case ADL_ROWS_MIN: rows_extreme_##suffix(dst, src, rows, n, 0); break;              \
        default: break;                                                                     \
        }                                                                                   \
    }

REDUCE_KERNELS(sse2, )
REDUCE_KERNELS(avx2, AVX2)
REDUCE_KERNELS(avx512, AVX512)

double adl_sum(const double *a, long n) {
    switch (adl_simd_level()) {
    case ADL_SIMD_AVX512: return pairwise_avx512(a, n);
    case ADL_SIMD_AVX2: return pairwise_avx2(a, n);
    default: return pairwise_sse2(a, n);
    }
}

double adl_extreme(const double *a, long n, int is_max) {
    if (n <= 0) return is_max ? -__builtin_inf() : __builtin_inf();
    switch (adl_simd_level()) {
    case ADL_SIMD_AVX512: return is_max ? max_avx512(a, n) : min_avx512(a, n);
    case ADL_SIMD_AVX2: return is_max ? max_avx2(a, n) : min_avx2(a, n);
    default: return is_max ? max_sse2(a, n) : min_sse2(a, n);
    }
}

void adl_rows(int op, double *dst, const double *src, long rows, long n) {
    switch (adl_simd_level()) {
    case ADL_SIMD_AVX512: rows_avx512(op, dst, src, rows, n); break;
    case ADL_SIMD_AVX2: rows_avx2(op, dst, src, rows, n); break;
    default: rows_sse2(op, dst, src, rows, n); break;
    }
}

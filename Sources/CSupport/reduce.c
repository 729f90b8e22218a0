// Reduction kernels over contiguous float64 runs and rows (see CSupport.h).
//
// One generic body per kernel, written with 8-lane vector types (GCC vector
// extensions), compiled three times: for SSE2 (the compiler splits a vector
// into four registers), AVX2 (two) and AVX-512 (one); `adl_simd_level` picks
// one at run time. Lane arithmetic is IEEE arithmetic at every level, so the
// results do not depend on the level: `adl_sum` adds in exactly the order of
// NumPy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src), whose
// eight partial sums are the eight lanes.
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

// dst = maximum(dst, row) (or minimum) for each row in order. Four rows are combined
// first, then with dst: the same result (the value is an order-free extreme, nan
// wins, and of equal values the one from the latest row wins either way) with a
// quarter of the loads and stores of dst.
__attribute__((always_inline)) static inline void rows_extreme(double *restrict dst, const double *restrict src,
                                                               long rows, long n, const int is_max) {
    long r = 0;
    for (; r + 4 <= rows; r += 4, src += 4 * n) {
        const double *r0 = src, *r1 = src + n, *r2 = src + 2 * n, *r3 = src + 3 * n;
        for (long i = 0; i < n; i++) {
            double a = is_max ? MAX_STEP(r0[i], r1[i]) : MIN_STEP(r0[i], r1[i]);
            double b = is_max ? MAX_STEP(r2[i], r3[i]) : MIN_STEP(r2[i], r3[i]);
            double m = is_max ? MAX_STEP(a, b) : MIN_STEP(a, b);
            dst[i] = is_max ? MAX_STEP(dst[i], m) : MIN_STEP(dst[i], m);
        }
    }
    for (; r < rows; r++, src += n)
        for (long i = 0; i < n; i++) dst[i] = is_max ? MAX_STEP(dst[i], src[i]) : MIN_STEP(dst[i], src[i]);
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
        case ADL_ROWS_ADD:                                                                  \
            for (long r = 0; r < rows; r++, src += n)                                       \
                for (long i = 0; i < n; i++) dst[i] += src[i];                              \
            break;                                                                          \
        case ADL_ROWS_MUL:                                                                  \
            for (long r = 0; r < rows; r++, src += n)                                       \
                for (long i = 0; i < n; i++) dst[i] *= src[i];                              \
            break;                                                                          \
        case ADL_ROWS_MAX: rows_extreme(dst, src, rows, n, 1); break;                       \
        case ADL_ROWS_MIN: rows_extreme(dst, src, rows, n, 0); break;                       \
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

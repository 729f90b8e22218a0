// The arithmetic steps of fused elementwise chains (Sources/ADL/Arrays/Fusion):
// one operation over a block of contiguous doubles, at the SIMD level of
// `adl_simd_level` (2, 4 or 8 lanes). Each is one correctly rounded IEEE
// operation per element (no contraction into FMAs: each loop does one
// operation), so every level gives the same bits as Swift's scalar loops.
#include "CSupport.h"

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f")))

// a == NULL reads the number sa for every element, b == NULL the number sb.
#define FUSED_KERNEL(suffix, attr)                                                                 \
    attr static void arith_##suffix(int op, const double *restrict a, double sa,                  \
                                    const double *restrict b, double sb, double *restrict out,    \
                                    long n) {                                                      \
        switch (op) {                                                                              \
        case ADL_FUSED_ADD:                                                                        \
            if (a && b) for (long i = 0; i < n; i++) out[i] = a[i] + b[i];                         \
            else if (a) for (long i = 0; i < n; i++) out[i] = a[i] + sb;                           \
            else for (long i = 0; i < n; i++) out[i] = sa + b[i];                                  \
            break;                                                                                 \
        case ADL_FUSED_SUB:                                                                        \
            if (a && b) for (long i = 0; i < n; i++) out[i] = a[i] - b[i];                         \
            else if (a) for (long i = 0; i < n; i++) out[i] = a[i] - sb;                           \
            else for (long i = 0; i < n; i++) out[i] = sa - b[i];                                  \
            break;                                                                                 \
        case ADL_FUSED_MUL:                                                                        \
            if (a && b) for (long i = 0; i < n; i++) out[i] = a[i] * b[i];                         \
            else if (a) for (long i = 0; i < n; i++) out[i] = a[i] * sb;                           \
            else for (long i = 0; i < n; i++) out[i] = sa * b[i];                                  \
            break;                                                                                 \
        case ADL_FUSED_DIV:                                                                        \
            if (a && b) for (long i = 0; i < n; i++) out[i] = a[i] / b[i];                         \
            else if (a) for (long i = 0; i < n; i++) out[i] = a[i] / sb;                           \
            else for (long i = 0; i < n; i++) out[i] = sa / b[i];                                  \
            break;                                                                                 \
        case ADL_FUSED_SQUARE:                                                                     \
            for (long i = 0; i < n; i++) out[i] = a[i] * a[i];                                     \
            break;                                                                                 \
        case ADL_FUSED_NEG:                                                                        \
            for (long i = 0; i < n; i++) out[i] = -a[i];                                           \
            break;                                                                                 \
        default:                                                                                   \
            break;                                                                                 \
        }                                                                                          \
    }

FUSED_KERNEL(sse2, )
FUSED_KERNEL(avx2, AVX2)
FUSED_KERNEL(avx512, AVX512)

void adl_fused_arith(int op, const double *a, double sa, const double *b, double sb, double *out, long n) {
    switch (adl_simd_level()) {
    case ADL_SIMD_AVX512: arith_avx512(op, a, sa, b, sb, out, n); break;
    case ADL_SIMD_AVX2: arith_avx2(op, a, sa, b, sb, out, n); break;
    default: arith_sse2(op, a, sa, b, sb, out, n); break;
    }
}

// MARK: - Rows of broadcasting arithmetic

// out[i] = a[i * sa] op b[i * sb] with steps 0 or 1, for the elementwise
// operators on arrays (NDArray+Elementwise.swift). Unlike the chain kernels,
// `out` may be `a` or `b` itself (a uniquely referenced temporary reused as
// the result): each element is read before its own store and never after, so
// the loops vectorise safely under the pragma that tells the compiler so.
#if defined(__clang__)
#define ROW_LOOP _Pragma("clang loop vectorize(assume_safety)") for
#else
#define ROW_LOOP _Pragma("GCC ivdep") for
#endif

#define ROW_CASES(OPER)                                                                            \
    if (sa && sb) ROW_LOOP(long i = 0; i < n; i++) out[i] = a[i] OPER b[i];                        \
    else if (sa) { double y = b[0]; ROW_LOOP(long i = 0; i < n; i++) out[i] = a[i] OPER y; }       \
    else if (sb) { double x = a[0]; ROW_LOOP(long i = 0; i < n; i++) out[i] = x OPER b[i]; }       \
    else { double v = a[0] OPER b[0]; for (long i = 0; i < n; i++) out[i] = v; }

#define ROW_KERNEL(suffix, attr)                                                                   \
    attr static void row_##suffix(int op, const double *a, long sa, const double *b, long sb,     \
                                  double *out, long n) {                                           \
        switch (op) {                                                                              \
        case ADL_FUSED_ADD: ROW_CASES(+) break;                                                    \
        case ADL_FUSED_SUB: ROW_CASES(-) break;                                                    \
        case ADL_FUSED_MUL: ROW_CASES(*) break;                                                    \
        case ADL_FUSED_DIV: ROW_CASES(/) break;                                                    \
        default: break;                                                                            \
        }                                                                                          \
    }

ROW_KERNEL(sse2, )
ROW_KERNEL(avx2, AVX2)
ROW_KERNEL(avx512, AVX512)

void adl_arith_row(int op, const double *a, long sa, const double *b, long sb, double *out, long n) {
    switch (adl_simd_level()) {
    case ADL_SIMD_AVX512: row_avx512(op, a, sa, b, sb, out, n); break;
    case ADL_SIMD_AVX2: row_avx2(op, a, sa, b, sb, out, n); break;
    default: row_sse2(op, a, sa, b, sb, out, n); break;
    }
}

// The arithmetic steps of fused elementwise chains (Sources/ADL/Arrays/Fusion):
// one operation over a block of contiguous doubles, at the SIMD level of
// `adl_simd_level` (2, 4 or 8 lanes). Each is one correctly rounded IEEE
// operation per element (no contraction into FMAs: each loop does one
// operation), so every level gives the same bits as Swift's scalar loops.
#include "CSupport.h"

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f")))

// `out` may be `a` or `b` itself (a uniquely referenced temporary reused as the
// result, adl_arith_row): each element is read before its own store and never
// after, so the loops vectorise safely under the pragma that tells the compiler so.
#if defined(__clang__)
#define LOOP _Pragma("clang loop vectorize(assume_safety)") for
#else
#define LOOP _Pragma("GCC ivdep") for
#endif

// a == NULL reads the number sa for every element, b == NULL the number sb.
#define FUSED_KERNEL(suffix, attr)                                                                 \
    attr static void arith_##suffix(int op, const double *a, double sa, const double *b,           \
                                    double sb, double *out, long n) {                              \
        switch (op) {                                                                              \
        case ADL_FUSED_ADD:                                                                        \
            if (a && b) LOOP (long i = 0; i < n; i++) out[i] = a[i] + b[i];                        \
            else if (a) LOOP (long i = 0; i < n; i++) out[i] = a[i] + sb;                          \
            else LOOP (long i = 0; i < n; i++) out[i] = sa + b[i];                                 \
            break;                                                                                 \
        case ADL_FUSED_SUB:                                                                        \
            if (a && b) LOOP (long i = 0; i < n; i++) out[i] = a[i] - b[i];                        \
            else if (a) LOOP (long i = 0; i < n; i++) out[i] = a[i] - sb;                          \
            else LOOP (long i = 0; i < n; i++) out[i] = sa - b[i];                                 \
            break;                                                                                 \
        case ADL_FUSED_MUL:                                                                        \
            if (a && b) LOOP (long i = 0; i < n; i++) out[i] = a[i] * b[i];                        \
            else if (a) LOOP (long i = 0; i < n; i++) out[i] = a[i] * sb;                          \
            else LOOP (long i = 0; i < n; i++) out[i] = sa * b[i];                                 \
            break;                                                                                 \
        case ADL_FUSED_DIV:                                                                        \
            if (a && b) LOOP (long i = 0; i < n; i++) out[i] = a[i] / b[i];                        \
            else if (a) LOOP (long i = 0; i < n; i++) out[i] = a[i] / sb;                          \
            else LOOP (long i = 0; i < n; i++) out[i] = sa / b[i];                                 \
            break;                                                                                 \
        case ADL_FUSED_SQUARE:                                                                     \
            LOOP (long i = 0; i < n; i++) out[i] = a[i] * a[i];                                    \
            break;                                                                                 \
        case ADL_FUSED_NEG:                                                                        \
            LOOP (long i = 0; i < n; i++) out[i] = -a[i];                                          \
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

void adl_arith_row(int op, const double *a, long sa, const double *b, long sb, double *out, long n) {
    if (n <= 0) return;
    if (!sa && !sb) {
        // Both broadcast: one value, computed by the same kernel, for every element.
        adl_fused_arith(op, a, 0, b, 0, out, 1);
        for (long i = 1; i < n; i++) out[i] = out[0];
        return;
    }
    adl_fused_arith(op, sa ? a : 0, sa ? 0 : a[0], sb ? b : 0, sb ? 0 : b[0], out, n);
}

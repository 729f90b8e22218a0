// C helpers of the interpreter.
//
// Vectorised elementwise maths over contiguous double arrays, through glibc's
// libmvec (the SIMD variants of exp, log, sin, ...), and reduction kernels:
// what NumPy's own SIMD loops do, 3-10x faster than one libm call or one
// scalar step per element. Every kernel has an SSE2, an AVX2 and an AVX-512
// version, chosen at run time from the CPU.
#ifndef ADL_CSUPPORT_H
#define ADL_CSUPPORT_H

// MARK: - SIMD level

/// The instruction set levels the kernels are compiled for.
enum adl_simd { ADL_SIMD_SSE2 = 0, ADL_SIMD_AVX2 = 1, ADL_SIMD_AVX512 = 2 };

/// The level in use: the best the CPU has, capped by the environment variable
/// ADL_SIMD=sse2|avx2 when set (read once).
int adl_simd_level(void);

/// Uses `level` from now on, capped to what the CPU has; returns the level chosen.
/// For tests that run every code path on one machine.
int adl_simd_set_level(int level);

// MARK: - Elementwise functions (vmath.c)

/// The unary functions, in the order of `adl_vmath`'s `which` argument.
/// All but sqrt are libmvec's (tanh is built from its expm1); at most 4 ulp
/// from the correctly rounded result, special values exactly as libm's.
enum adl_vmath_function {
    ADL_VMATH_EXP, ADL_VMATH_EXP2, ADL_VMATH_EXPM1,
    ADL_VMATH_LOG, ADL_VMATH_LOG2, ADL_VMATH_LOG10, ADL_VMATH_LOG1P,
    ADL_VMATH_SIN, ADL_VMATH_COS, ADL_VMATH_TAN,
    ADL_VMATH_ASIN, ADL_VMATH_ACOS, ADL_VMATH_ATAN,
    ADL_VMATH_SINH, ADL_VMATH_COSH, ADL_VMATH_TANH,
    ADL_VMATH_ASINH, ADL_VMATH_ACOSH, ADL_VMATH_ATANH,
    ADL_VMATH_SQRT,
    ADL_VMATH_COUNT
};

/// out[i] = f(x[i]) for i < n, with f chosen by `which`; `out` may equal `x`.
/// Returns 0 when `which` is unknown (nothing written), 1 otherwise.
int adl_vmath(int which, const double *x, double *out, long n);

/// The binary functions of `adl_vmath2` (libmvec's atan2, hypot, pow).
enum adl_vmath2_function {
    ADL_VMATH2_ATAN2, ADL_VMATH2_HYPOT, ADL_VMATH2_POW,
    ADL_VMATH2_COUNT
};

/// out[i] = f(a[i * a_step], b[i * b_step]) for i < n, each step 1 (walk) or 0
/// (broadcast element 0); `out` may equal `a` or `b`.
/// Returns 0 when `which` is unknown (nothing written), 1 otherwise.
int adl_vmath2(int which, const double *a, long a_step, const double *b, long b_step,
               double *out, long n);

// MARK: - Reductions (reduce.c)

/// The sum of a[0..<n] in the order of NumPy's pairwise summation, so that it
/// equals np.add.reduce of a contiguous run bit for bit (0.0 when n == 0).
double adl_sum(const double *a, long n);

/// The maximum (is_max != 0) or minimum of a[0..<n], nan when one is nan;
/// -inf/+inf when n == 0. Of equal zeros, any sign may come back.
double adl_extreme(const double *a, long n, int is_max);

/// The row step of a reduction along a leading axis.
enum adl_rows_op { ADL_ROWS_ADD, ADL_ROWS_MUL, ADL_ROWS_MAX, ADL_ROWS_MIN };

/// dst[i] = dst[i] op row[i] for i < n, for each of the `rows` consecutive rows
/// of n elements at `src`, in order (max/min as np.maximum/np.minimum: nan
/// propagates, a later row wins ties); `dst` and `src` must not overlap.
void adl_rows(int op, double *dst, const double *src, long rows, long n);

// MARK: - Fused chains (fused.c)

/// The operations of `adl_fused_arith`.
enum adl_fused_op { ADL_FUSED_ADD, ADL_FUSED_SUB, ADL_FUSED_MUL, ADL_FUSED_DIV, ADL_FUSED_SQUARE, ADL_FUSED_NEG };

/// out[i] = a[i] op b[i] for i < n, one IEEE operation per element; a NULL `a`
/// (or `b`) stands for the number sa (sb) at every i. SQUARE is a[i] * a[i] and
/// NEG is -a[i] (b unused). `out` must not overlap the inputs.
void adl_fused_arith(int op, const double *a, double sa, const double *b, double sb, double *out, long n);

/// out[i] = a[i * sa] op b[i * sb] for i < n, where op is ADL_FUSED_ADD, SUB, MUL
/// or DIV and each step is 0 (element 0 broadcast) or 1; one IEEE operation per
/// element. `out` may be exactly `a` or `b`, but must not overlap them otherwise.
void adl_arith_row(int op, const double *a, long sa, const double *b, long sb, double *out, long n);

// MARK: - Native code for fused chains (jit.c)

/// The signature of a compiled fused chain: out[i - start] for start <= i < start + n
/// (Sources/ADL/Arrays/Fusion/FusedJIT.swift generates the C source).
typedef void (*adl_jit_kernel)(const double *const *inputs, const long *counts,
                               const double *numbers, double *out, long start, long n);

/// The kernel `symbol` of the shared object `<dir>/<name>.so`, built from `source`
/// with `argv` (a NULL-terminated compiler command whose "@SRC" and "@OUT" words
/// are replaced by the source and object paths) when the cache does not hold it.
/// `dir` is created when missing; the object is written to a temporary name and
/// renamed, so parallel processes never load half a file. NULL on any failure
/// (with one line on stderr when `verbose`). `*compiled` is 1 when it compiled,
/// 0 when it loaded the cached object.
adl_jit_kernel adl_jit_load(const char *dir, const char *name, const char *source,
                            const char *const *argv, const char *symbol, int timeout_ms,
                            int verbose, int *compiled);

/// out[i] = the chain's element i for i < n (the kernel of one run), split over
/// the threads of `adl_parallel_for` when `threaded` and n >= adl_jit_parallel_min();
/// the same bits with any number of threads (jitrun.c).
void adl_jit_fill(adl_jit_kernel kernel, const double *const *inputs, const long *counts,
                  const double *numbers, double *out, long n, int threaded);

/// The sum of the chain's elements 0..<n in NumPy's pairwise order (as adl_sum
/// of the filled result, plus the initial 0.0), split over the threads when
/// `threaded` and n >= adl_jit_parallel_min(); the same bits with any number of threads.
double adl_jit_sum(adl_jit_kernel kernel, const double *const *inputs, const long *counts,
                   const double *numbers, long n, int threaded);

/// Chains over fewer elements run on the calling thread only (131072).
long adl_jit_parallel_min(void);

// MARK: - Threads (parallel.c)

/// One task of `adl_parallel_for`.
typedef void (*adl_task)(void *context, long index);

/// Runs task(context, i) for every 0 <= i < count, on the calling thread and up
/// to adl_threads() - 1 workers of a persistent pool, and returns when all are
/// done. Tasks must be independent (each writes its own memory). Serial when
/// only one thread is allowed, or when another job is running.
void adl_parallel_for(long count, adl_task task, void *context);

/// The threads a job may use, the caller's included: ADL_THREADS when set to a
/// positive number, else the CPUs this process may run on (at most 64).
int adl_threads(void);

/// Sets the thread limit (n <= 0: back to the default) and returns the previous one.
int adl_set_threads(int n);

/// Jobs `adl_parallel_for` handed to the pool, and tasks its workers ran, since
/// the process started (tests check the threaded path is taken).
long adl_parallel_jobs(void);
long adl_parallel_worker_tasks(void);

// MARK: - Memory (memory.c)

/// Makes glibc serve large blocks from the heap and keep freed ones there, so a
/// new array reuses the pages of the last freed one instead of mapping fresh,
/// kernel-zeroed memory (20 ms per 80 MB temporary).
void adl_keep_freed_memory(void);

#endif

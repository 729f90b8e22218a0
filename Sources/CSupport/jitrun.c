// Running compiled fused chains (FusedJIT.swift compiles them, jit.c loads
// them): the whole result, or its sum in NumPy's pairwise order, split over
// the worker pool of parallel.c when the chain is large.
//
// Bit for bit the same with any number of threads:
// - a result array is cut into runs of ADL_JIT_CHUNK elements; the kernel's
//   value of element i does not depend on where its run starts, and each run
//   is written by exactly one task;
// - a sum follows NumPy's pairwise recursion (halves rounded down to a multiple
//   of 8 above 128 elements, each leaf run of at most 128 summed by adl_sum).
//   The parallel version descends that same recursion until the parts have at
//   most ADL_JIT_SUM_PART elements, sums each part as a task (with the serial
//   code: its value depends only on where the part starts and its length) and
//   adds the parts' sums back up along the same recursion. The tree of
//   additions is exactly the serial one, so is every rounding.
#include "CSupport.h"

#include <stdlib.h>

// Elements per block of a sum (the block buffer stays in L1). 512 as the block
// interpreter: 2048 made x*y+1 over 10^7 elements 40% slower (measured); 512
// and 2048 are alike on B5.
#define ADL_JIT_BLOCK 512
// Elements per task of a result array, and the most elements of one part of a
// parallel sum: ~4 us of B5's gradient, so a busy or sleeping worker costs
// little, and few enough tasks that taking one (an atomic add) is noise.
#define ADL_JIT_CHUNK 16384L
#define ADL_JIT_SUM_PART 16384L

// Chains over fewer elements stay on the calling thread (~35 us of B5's gradient).
#define ADL_JIT_PARALLEL_MIN 131072L

long adl_jit_parallel_min(void) { return ADL_JIT_PARALLEL_MIN; }

struct chain {
    adl_jit_kernel kernel;
    const double *const *inputs;
    const long *counts;
    const double *numbers;
    long n;
};

// MARK: - Result arrays

struct fill_job {
    struct chain c;
    double *out;
};

static void fill_task(void *context, long index) {
    struct fill_job *j = context;
    long lo = index * ADL_JIT_CHUNK;
    long m = j->c.n - lo < ADL_JIT_CHUNK ? j->c.n - lo : ADL_JIT_CHUNK;
    j->c.kernel(j->c.inputs, j->c.counts, j->c.numbers, j->out + lo, lo, m);
}

void adl_jit_fill(adl_jit_kernel kernel, const double *const *inputs, const long *counts,
                  const double *numbers, double *out, long n, int threaded) {
    if (n <= 0) return;
    if (!threaded || n < ADL_JIT_PARALLEL_MIN || adl_threads() <= 1) {
        kernel(inputs, counts, numbers, out, 0, n);
        return;
    }
    struct fill_job j = {{kernel, inputs, counts, numbers, n}, out};
    adl_parallel_for((n + ADL_JIT_CHUNK - 1) / ADL_JIT_CHUNK, fill_task, &j);
}

// MARK: - Sums

// The serial pairwise sum, filling one block buffer at a time.
struct sum_state {
    const struct chain *c;
    double *buffer;
    long block_start, block_end;
};

static double pairwise(struct sum_state *s, long lo, long m) {
    if (m <= 128) {
        if (lo + m > s->block_end) {
            const struct chain *c = s->c;
            s->block_start = lo;
            s->block_end = c->n < lo + ADL_JIT_BLOCK ? c->n : lo + ADL_JIT_BLOCK;
            c->kernel(c->inputs, c->counts, c->numbers, s->buffer, s->block_start, s->block_end - s->block_start);
        }
        return adl_sum(s->buffer + (lo - s->block_start), m);
    }
    long half = m / 2;
    half -= half % 8;
    return pairwise(s, lo, half) + pairwise(s, lo + half, m - half);
}

static double pairwise_from(const struct chain *c, long lo, long m) {
    _Alignas(64) double buffer[ADL_JIT_BLOCK];
    struct sum_state s = {c, buffer, 0, 0};
    return pairwise(&s, lo, m);
}

struct sum_job {
    struct chain c;
    long *starts;    // each part's first element
    long *lengths;   // each part's length
    double *sums;    // each part's sum
    long parts;
};

// The parts of run lo..<lo+m (in order), as the recursion splits it.
static void collect_parts(struct sum_job *j, long lo, long m) {
    if (m <= ADL_JIT_SUM_PART) {
        j->starts[j->parts] = lo;
        j->lengths[j->parts] = m;
        j->parts++;
        return;
    }
    long half = m / 2;
    half -= half % 8;
    collect_parts(j, lo, half);
    collect_parts(j, lo + half, m - half);
}

// The sum of run lo..<lo+m from the parts' sums, added as the recursion adds.
static double combine_parts(const struct sum_job *j, long *next, long lo, long m) {
    if (m <= ADL_JIT_SUM_PART) return j->sums[(*next)++];
    long half = m / 2;
    half -= half % 8;
    double left = combine_parts(j, next, lo, half);
    return left + combine_parts(j, next, lo + half, m - half);
}

static void sum_task(void *context, long index) {
    struct sum_job *j = context;
    j->sums[index] = pairwise_from(&j->c, j->starts[index], j->lengths[index]);
}

double adl_jit_sum(adl_jit_kernel kernel, const double *const *inputs, const long *counts,
                   const double *numbers, long n, int threaded) {
    if (n <= 0) return 0.0;
    struct sum_job j = {{kernel, inputs, counts, numbers, n}, NULL, NULL, NULL, 0};
    if (threaded && n >= ADL_JIT_PARALLEL_MIN && adl_threads() > 1) {
        // A part is a half (rounded down to a multiple of 8) of a run longer than
        // ADL_JIT_SUM_PART, so it holds more than ADL_JIT_SUM_PART / 4 elements:
        // there are fewer than 4n / ADL_JIT_SUM_PART + 1 parts.
        long most = 4 * (n / ADL_JIT_SUM_PART) + 2;
        j.starts = malloc(most * sizeof *j.starts);
        j.lengths = malloc(most * sizeof *j.lengths);
        j.sums = malloc(most * sizeof *j.sums);
        if (j.starts && j.lengths && j.sums) {
            collect_parts(&j, 0, n);
            adl_parallel_for(j.parts, sum_task, &j);
            long next = 0;
            double total = combine_parts(&j, &next, 0, n);
            free(j.starts);
            free(j.lengths);
            free(j.sums);
            // NumPy adds the pairwise sum to its initial 0 (-0.0 becomes 0.0).
            return 0.0 + total;
        }
        free(j.starts);
        free(j.lengths);
        free(j.sums);
    }
    return 0.0 + pairwise_from(&j.c, 0, n);
}

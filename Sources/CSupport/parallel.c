// A small persistent pool of worker threads for large native fused chains
// (jit.c's adl_jit_fill and adl_jit_sum; docs/jit.md, "Threads").
//
// Why a pool of our own: a chain over 10^6 elements takes a few hundred
// microseconds, so creating threads per call (tens of microseconds each in
// this kind of virtual machine) or waking them through a condition variable
// would eat much of what a second core gives. The workers are created on the
// first parallel call, spin a short while after each job (so back-to-back
// calls find them awake) and then sleep on a futex.
//
// How a job runs: the caller publishes it and takes tasks itself, one at a
// time from a shared counter, as the workers do once they see it. So a worker
// that is asleep, slow to wake or descheduled (the machine is shared) never
// delays the job: the caller simply runs more of its tasks. Which thread runs
// which task never changes a result, because every task writes its own part
// of the output (or its own partial sum, combined afterwards in a fixed order).
//
// The protocol (all atomics sequentially consistent, so the reasoning is the
// plain interleaving one):
// - caller: job = &j; generation += 1; wake sleepers; run tasks; wait until
//   every task is done; job = NULL; wait until `active` is 0 (no worker still
//   holds a pointer to j, which lives on the caller's stack).
// - worker: wait until generation changes; active += 1; read job; run tasks
//   while any is left; active -= 1.
// A worker that increments `active` after the caller cleared `job` reads NULL
// (or a later job), so it never touches a finished one. When the thread limit
// was lowered below the pool's size (adl_set_threads), only the first
// `limit - 1` workers to arrive take tasks.
//
// Only one job runs at a time: a second thread calling in while a job runs (or
// a task calling in) runs its tasks itself, serially.
#define _GNU_SOURCE
#include "CSupport.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// The most threads the pool uses, whatever ADL_THREADS says.
#define ADL_MAX_THREADS 64
// How long an idle worker spins before sleeping (nanoseconds).
#define ADL_SPIN_NS 200000L

struct job {
    adl_task task;
    void *context;
    long count;
    long next;        // the next task to take
    long done;        // tasks finished
    int max_workers;  // workers that may join (the thread limit can be below the pool's size)
    int joined;       // workers that came to this job
};

static struct job *current_job;
static unsigned generation;  // a futex word: bumped for every job
static int active;           // workers inside a job
static int sleepers;         // workers asleep on `generation`
static int workers;          // worker threads started
static int thread_limit;     // threads a job may use (caller included); 0 until read
static long jobs_run;         // jobs handed to the pool (for tests)
static long worker_tasks;     // tasks the workers ran (for tests)
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

// Runs tasks of `j` until none is left; returns how many it ran.
static long take_tasks(struct job *j) {
    long ran = 0;
    for (;;) {
        long i = __atomic_fetch_add(&j->next, 1, __ATOMIC_SEQ_CST);
        if (i >= j->count) return ran;
        j->task(j->context, i);
        ran++;
        __atomic_fetch_add(&j->done, 1, __ATOMIC_SEQ_CST);
    }
}

static void *worker_main(void *unused) {
    (void)unused;
    unsigned seen = __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
    for (;;) {
        // Wait for the next job: spin a while, then sleep until woken.
        long spin_until = now_ns() + ADL_SPIN_NS;
        unsigned g;
        for (unsigned k = 1;; k++) {
            g = __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
            if (g != seen) break;
            cpu_relax();
            if ((k & 255) == 0 && now_ns() > spin_until) {
                __atomic_fetch_add(&sleepers, 1, __ATOMIC_SEQ_CST);
                // Returns at once when the generation moved since we read it.
                syscall(SYS_futex, &generation, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
                __atomic_fetch_sub(&sleepers, 1, __ATOMIC_SEQ_CST);
                spin_until = now_ns() + ADL_SPIN_NS;
            }
        }
        seen = g;
        __atomic_fetch_add(&active, 1, __ATOMIC_SEQ_CST);
        struct job *j = __atomic_load_n(&current_job, __ATOMIC_SEQ_CST);
        if (j && __atomic_fetch_add(&j->joined, 1, __ATOMIC_SEQ_CST) < j->max_workers) {
            __atomic_fetch_add(&worker_tasks, take_tasks(j), __ATOMIC_RELAXED);
        }
        __atomic_fetch_sub(&active, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

// The CPUs this process may run on (its affinity mask), at least 1.
static int available_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int default_threads(void) {
    int n = available_cpus();
    const char *env = getenv("ADL_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        // ADL_THREADS=0 or anything not a positive number: the default.
        if (*end == 0 && v > 0) n = v > ADL_MAX_THREADS ? ADL_MAX_THREADS : (int)v;
    }
    return n > ADL_MAX_THREADS ? ADL_MAX_THREADS : n;
}

int adl_threads(void) {
    int n = __atomic_load_n(&thread_limit, __ATOMIC_ACQUIRE);
    if (n == 0) {
        n = default_threads();
        int expected = 0;
        if (!__atomic_compare_exchange_n(&thread_limit, &expected, n, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            n = expected;
        }
    }
    return n;
}

int adl_set_threads(int n) {
    int previous = adl_threads();
    if (n <= 0) n = default_threads();
    if (n > ADL_MAX_THREADS) n = ADL_MAX_THREADS;
    __atomic_store_n(&thread_limit, n, __ATOMIC_RELEASE);
    return previous;
}

// Starts workers until there are `wanted` (fewer when the system refuses).
// Workers block every signal: Ctrl-C and friends stay with the main thread.
static void start_workers(int wanted) {
    pthread_mutex_lock(&start_lock);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (workers < wanted) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        pthread_t thread;
        int rc = pthread_create(&thread, &attr, worker_main, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0) break;
        __atomic_fetch_add(&workers, 1, __ATOMIC_SEQ_CST);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_mutex_unlock(&start_lock);
}

void adl_parallel_for(long count, adl_task task, void *context) {
    if (count <= 0) return;
    int threads = adl_threads();
    if (count == 1 || threads <= 1 || pthread_mutex_trylock(&job_lock) != 0) {
        for (long i = 0; i < count; i++) task(context, i);
        return;
    }
    if (__atomic_load_n(&workers, __ATOMIC_SEQ_CST) < threads - 1) start_workers(threads - 1);
    struct job j = {task, context, count, 0, 0, threads - 1, 0};
    __atomic_fetch_add(&jobs_run, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&current_job, &j, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&generation, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&sleepers, __ATOMIC_SEQ_CST) > 0) {
        syscall(SYS_futex, &generation, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    }
    take_tasks(&j);
    // A worker still inside its last task: spin, then yield the core now and
    // then (it may have been preempted, even onto our core, on a busy machine).
    for (unsigned k = 1; __atomic_load_n(&j.done, __ATOMIC_SEQ_CST) < count; k++) {
        cpu_relax();
        if (k >= 2048) sched_yield();
    }
    __atomic_store_n(&current_job, NULL, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&active, __ATOMIC_SEQ_CST) != 0) cpu_relax();
    pthread_mutex_unlock(&job_lock);
}

long adl_parallel_jobs(void) { return __atomic_load_n(&jobs_run, __ATOMIC_RELAXED); }

long adl_parallel_worker_tasks(void) { return __atomic_load_n(&worker_tasks, __ATOMIC_RELAXED); }

// Allocation policy for big arrays and for the heap's pages (see CSupport.h).
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "CSupport.h"

// How much of the heap is advised for transparent huge pages at startup.
#define ADL_HUGE_HEAP (64L << 20)
#define ADL_HUGE_PAGE (2L << 20)

void adl_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    // The heap's first 64 MB (address space only: nothing is touched here) are
    // advised for transparent huge pages, the policy glibc's own
    // glibc.malloc.hugetlb=1 tunable applies but which can only be set before the
    // process starts. In this kind of virtual machine a page fault costs about a
    // microsecond, and a gradient's first call (B10) touches ~250 fresh 4 KB
    // pages; with 2 MB pages it takes one or two faults. The block is freed at
    // once and stays in the heap (the trim threshold above), so later
    // allocations land in it. Where the kernel has no huge pages, madvise fails
    // or is ignored and nothing changes.
    char *block = malloc(ADL_HUGE_HEAP);
    if (!block) return;
    uintptr_t start = ((uintptr_t)block + ADL_HUGE_PAGE - 1) & ~(uintptr_t)(ADL_HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)block + ADL_HUGE_HEAP) & ~(uintptr_t)(ADL_HUGE_PAGE - 1);
    if (end > start) madvise((void *)start, end - start, MADV_HUGEPAGE);
    free(block);
}

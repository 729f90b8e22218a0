// Allocation policy for big arrays (see CSupport.h).
#include <malloc.h>
#include "CSupport.h"

void adl_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

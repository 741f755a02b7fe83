/* Counts heap allocations of a process (LD_PRELOAD), printed at exit, for bench/allocations.sh.
 * Wraps malloc/calloc/realloc/posix_memalign/aligned_alloc/memalign; forwards to glibc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>

static atomic_ulong count;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

/* calloc is called by dlsym itself: serve that one from a static buffer. */
static char bootstrap[4096];
static size_t bootstrap_used;

static void report(int sig) {
    (void)sig;
    char line[64];
    int n = snprintf(line, sizeof line, "MALLOC_COUNT %lu\n", atomic_load(&count));
    write(2, line, n);
}

__attribute__((constructor)) static void init(void) {
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    signal(SIGUSR2, report);
}

void *malloc(size_t size) { atomic_fetch_add(&count, 1); if (!real_malloc) init(); return real_malloc(size); }
void *calloc(size_t n, size_t size) {
    if (!real_calloc) { void *p = bootstrap + bootstrap_used; bootstrap_used += (n * size + 15) & ~15UL; return p; }
    atomic_fetch_add(&count, 1); return real_calloc(n, size);
}
void *realloc(void *p, size_t size) { atomic_fetch_add(&count, 1); if (!real_realloc) init(); return real_realloc(p, size); }
int posix_memalign(void **p, size_t a, size_t size) { atomic_fetch_add(&count, 1); if (!real_posix_memalign) init(); return real_posix_memalign(p, a, size); }
void *aligned_alloc(size_t a, size_t size) { atomic_fetch_add(&count, 1); if (!real_aligned_alloc) init(); return real_aligned_alloc(a, size); }
void free(void *p) {
    static void (*real_free)(void *);
    if ((char *)p >= bootstrap && (char *)p < bootstrap + sizeof bootstrap) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    real_free(p);
}

// Header-only shim for the Linux calls Glibc's Swift module does not export
// (epoll, eventfd, timerfd, signalfd, accept4 and socket options), plus inline wrappers
// for the few macros Swift cannot import. No .c file, no link line.
#ifndef PAYGATE_CLINUX_SHIM_H
#define PAYGATE_CLINUX_SHIM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <signal.h>
#include <errno.h>
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/syscall.h>

// accept4 is a _GNU_SOURCE function; Glibc's module is built without it.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

static inline int paygate_errno(void) { return errno; }
static inline void paygate_set_errno(int value) { errno = value; }

// CMSG-free helpers for sockaddr storage casts Swift finds awkward.
static inline struct sockaddr *paygate_sockaddr(struct sockaddr_storage *s) { return (struct sockaddr *)s; }

// CLOCK_MONOTONIC_COARSE is a plain macro but spelled here so Swift sees an Int32.
static inline clockid_t paygate_clock_monotonic_coarse(void) { return CLOCK_MONOTONIC_COARSE; }

// CPUs in the calling thread's affinity mask (cpuset, taskset), 0 if the kernel will not say.
// The raw system call: sched_getaffinity and CPU_COUNT need _GNU_SOURCE, which Glibc's module
// is built without.
static inline int paygate_affinity_cpu_count(void) {
    unsigned long mask[64];   // room for 4096 CPUs
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
    int count = 0;
    for (long i = 0; i < bytes / (long)sizeof(unsigned long); i++) count += __builtin_popcountl(mask[i]);
    return count;
}
#endif

/* A small fork-join thread pool: the only place in the library that owns threads.
 *
 * Kernels (MSM windows, NTT butterflies, polynomial maps) are written as
 * range functions fn(ctx, begin, end, worker) that compute the slice
 * [begin, end) of their work; zk_parallel_for spreads the slices over the pool.
 * Natively and in the Emscripten pthreads build the pool runs on pthreads; in
 * WASI and the single-threaded Emscripten build every call runs serially on
 * the caller, so kernels never need #ifdefs. */
#ifndef ZK_UTIL_THREADS_H
#define ZK_UTIL_THREADS_H

#include <stddef.h>

#include "util/status.h"

/* Hard cap on the pool size. */
#define ZK_MAX_THREADS 64

/* fn computes items [begin, end). worker is in [0, zk_threads_count()) and is
 * unique among concurrently running calls, so it may index per-worker scratch. */
typedef void (*zk_range_fn)(void *ctx, size_t begin, size_t end, unsigned worker);

/* 1 if this build can run threads at all (native, Emscripten pthreads). */
int zk_threads_available(void);

/* Number of threads parallel work uses, caller included (>= 1). The first call
 * picks a default: the ZK_THREADS environment variable if set (native), else
 * the number of online processors, capped at ZK_MAX_THREADS (and, under
 * Emscripten, at the pre-spawned worker pool). May be called from inside a
 * running kernel. */
unsigned zk_threads_count(void);

/* Sets the thread count; 0 restores the default. Returns ZK_ERR_UNSUPPORTED if
 * n > 1 and threads are not available, ZK_ERR_INVALID_ARG above the cap.
 * Must not be called while parallel work is running. */
zk_status zk_threads_set(unsigned n);

/* Runs fn over [0, n) in chunks of at least `grain` items (grain 0 means 1),
 * on all pool threads including the caller, and returns when every chunk is
 * done. Small jobs (n <= grain) and calls made from inside a running kernel
 * run serially on the calling thread. */
void zk_parallel_for(size_t n, size_t grain, zk_range_fn fn, void *ctx);

/* Stops and joins the pool threads (they restart on the next parallel call). */
void zk_threads_shutdown(void);

#endif

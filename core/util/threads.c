#include "util/threads.h"

#include <stdlib.h>

#if defined(ZK_HAVE_THREADS)
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#if defined(__EMSCRIPTEN__)
#include <emscripten/threading.h>
#endif
#endif

#if !defined(ZK_HAVE_THREADS)

int zk_threads_available(void) { return 0; }
unsigned zk_threads_count(void) { return 1; }
zk_status zk_threads_set(unsigned n) { return n <= 1 ? ZK_OK : ZK_ERR_UNSUPPORTED; }
void zk_parallel_for(size_t n, size_t grain, zk_range_fn fn, void *ctx) {
    (void)grain;
    if (n) fn(ctx, 0, n, 0);
}
void zk_threads_shutdown(void) {}

#else

typedef struct {
    pthread_mutex_t mu;        /* guards everything below except `next` */
    pthread_cond_t start_cv;   /* workers wait here for a new generation */
    pthread_cond_t done_cv;    /* the caller waits here for active == 0 */
    pthread_mutex_t call_mu;   /* serializes top-level callers */
    unsigned want;             /* requested thread count, 0 = default */
    unsigned running;          /* threads in the pool now, caller included */
    pthread_t tids[ZK_MAX_THREADS];
    unsigned long generation;
    unsigned long spawn_generation; /* generation when the running workers were created */
    int shutdown;
    /* the current job */
    zk_range_fn fn;
    void *ctx;
    size_t n, chunk;
    atomic_size_t next;
    unsigned active;
} pool_t;

static pool_t pool = {
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .start_cv = PTHREAD_COND_INITIALIZER,
    .done_cv = PTHREAD_COND_INITIALIZER,
    .call_mu = PTHREAD_MUTEX_INITIALIZER,
};

/* 1 + index while running inside a kernel on this thread, else 0. */
static _Thread_local unsigned tls_worker;

static unsigned default_threads(void) {
    long n = 1;
#if defined(__EMSCRIPTEN__)
    n = emscripten_num_logical_cores();
#if defined(ZK_EM_POOL_SIZE)
    if (n > ZK_EM_POOL_SIZE + 1) n = ZK_EM_POOL_SIZE + 1;
#endif
#else
    const char *env = getenv("ZK_THREADS");
    if (env && *env) {
        n = strtol(env, NULL, 10);
    } else {
        n = sysconf(_SC_NPROCESSORS_ONLN);
    }
#endif
    if (n < 1) n = 1;
    if (n > ZK_MAX_THREADS) n = ZK_MAX_THREADS;
    return (unsigned)n;
}

static void run_chunks(unsigned worker) {
    size_t n = pool.n, chunk = pool.chunk;
    tls_worker = worker + 1;
    for (;;) {
        size_t b = atomic_fetch_add_explicit(&pool.next, chunk, memory_order_relaxed);
        if (b >= n) break;
        size_t e = b + chunk < n ? b + chunk : n;
        pool.fn(pool.ctx, b, e, worker);
    }
    tls_worker = 0;
}

static void *worker_main(void *arg) {
    unsigned idx = (unsigned)(size_t)arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&pool.mu);
    /* Not pool.generation: a job may already have been posted before this
     * thread got here, and it must not be missed. */
    seen = pool.spawn_generation;
    for (;;) {
        while (!pool.shutdown && pool.generation == seen) pthread_cond_wait(&pool.start_cv, &pool.mu);
        if (pool.shutdown) break;
        seen = pool.generation;
        pthread_mutex_unlock(&pool.mu);
        run_chunks(idx);
        pthread_mutex_lock(&pool.mu);
        if (--pool.active == 0) pthread_cond_signal(&pool.done_cv);
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

static void stop_locked(void) {
    if (pool.running <= 1) {
        pool.running = 0;
        return;
    }
    pthread_mutex_lock(&pool.mu);
    pool.shutdown = 1;
    pthread_cond_broadcast(&pool.start_cv);
    pthread_mutex_unlock(&pool.mu);
    for (unsigned i = 1; i < pool.running; i++) pthread_join(pool.tids[i], NULL);
    pool.shutdown = 0;
    pool.running = 0;
}

/* Starts the pool at the wanted size; returns the size actually running. */
static unsigned ensure_started(void) {
    if (pool.running) return pool.running;
    unsigned want = pool.want ? pool.want : default_threads();
    unsigned started = 1;
    pthread_mutex_lock(&pool.mu);
    pool.spawn_generation = pool.generation;
    pthread_mutex_unlock(&pool.mu);
    for (unsigned i = 1; i < want; i++) {
        if (pthread_create(&pool.tids[i], NULL, worker_main, (void *)(size_t)i) != 0) break;
        started++;
    }
    pool.running = started;
    return started;
}

int zk_threads_available(void) { return 1; }

unsigned zk_threads_count(void) {
    pthread_mutex_lock(&pool.call_mu);
    unsigned n = ensure_started();
    pthread_mutex_unlock(&pool.call_mu);
    return n;
}

zk_status zk_threads_set(unsigned n) {
    if (n > ZK_MAX_THREADS) return ZK_ERR_INVALID_ARG;
#if defined(__EMSCRIPTEN__) && defined(ZK_EM_POOL_SIZE)
    if (n > ZK_EM_POOL_SIZE + 1) return ZK_ERR_INVALID_ARG;
#endif
    pthread_mutex_lock(&pool.call_mu);
    stop_locked();
    pool.want = n;
    pthread_mutex_unlock(&pool.call_mu);
    return ZK_OK;
}

void zk_threads_shutdown(void) {
    pthread_mutex_lock(&pool.call_mu);
    stop_locked();
    pthread_mutex_unlock(&pool.call_mu);
}

void zk_parallel_for(size_t n, size_t grain, zk_range_fn fn, void *ctx) {
    if (n == 0) return;
    if (grain == 0) grain = 1;
    if (tls_worker) { /* nested: already inside a kernel */
        fn(ctx, 0, n, tls_worker - 1);
        return;
    }
    if (n <= grain) {
        fn(ctx, 0, n, 0);
        return;
    }
    pthread_mutex_lock(&pool.call_mu);
    unsigned t = ensure_started();
    if (t <= 1) {
        pthread_mutex_unlock(&pool.call_mu);
        fn(ctx, 0, n, 0);
        return;
    }
    /* About four chunks per thread balances uneven kernels without much overhead. */
    size_t chunk = (n + 4 * (size_t)t - 1) / (4 * (size_t)t);
    if (chunk < grain) chunk = grain;
    pthread_mutex_lock(&pool.mu);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.chunk = chunk;
    atomic_store_explicit(&pool.next, 0, memory_order_relaxed);
    pool.active = t - 1;
    pool.generation++;
    pthread_cond_broadcast(&pool.start_cv);
    pthread_mutex_unlock(&pool.mu);

    run_chunks(0);

    pthread_mutex_lock(&pool.mu);
    while (pool.active) pthread_cond_wait(&pool.done_cv, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
    pthread_mutex_unlock(&pool.call_mu);
}

#endif

/* The thread pool called from inside a running kernel (core/util/threads.h). */
#include <stdatomic.h>

#include "harness.h"
#include "util/threads.h"

typedef struct {
    atomic_uint bad;
    atomic_uint items;
} nested_ctx;

static void inner(void *vc, size_t b, size_t e, unsigned w) {
    (void)w;
    nested_ctx *c = vc;
    atomic_fetch_add(&c->items, (unsigned)(e - b));
}

static void outer(void *vc, size_t b, size_t e, unsigned w) {
    nested_ctx *c = vc;
    for (size_t i = b; i < e; i++) {
        unsigned t = zk_threads_count(); /* must not deadlock inside a kernel */
        if (t < 1 || w >= t) atomic_fetch_add(&c->bad, 1);
        zk_parallel_for(10, 1, inner, c); /* runs serially here */
    }
}

TEST(threads_count_inside_kernel) {
    nested_ctx c;
    atomic_init(&c.bad, 0);
    atomic_init(&c.items, 0);
    zk_parallel_for(64, 1, outer, &c);
    CHECK_EQ_INT(atomic_load(&c.bad), 0);
    CHECK_EQ_INT(atomic_load(&c.items), 640);
}

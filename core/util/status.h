/* Status codes shared by every module, the CLI and the JS wrapper.
 *
 * One list (ZK_STATUS_LIST) generates the enum, the name table and the message
 * table, so they cannot drift. Success is 0. Library code never aborts on bad
 * input: it returns one of these, and where a caller wants detail (which node,
 * which byte) it passes a zk_error that receives a formatted message. */
#ifndef ZK_UTIL_STATUS_H
#define ZK_UTIL_STATUS_H

#include <stddef.h>

#define ZK_STATUS_LIST(X)                                                        \
    X(ZK_OK, 0, "ok")                                                            \
    X(ZK_ERR_INVALID_ARG, 1, "invalid argument")                                 \
    X(ZK_ERR_NOMEM, 2, "out of memory")                                          \
    X(ZK_ERR_ENCODING, 3, "invalid encoding")                                    \
    X(ZK_ERR_TRUNCATED, 4, "input truncated")                                    \
    X(ZK_ERR_PARSE, 5, "parse error")                                            \
    X(ZK_ERR_UNSUPPORTED, 6, "unsupported")                                      \
    X(ZK_ERR_SHAPE, 7, "shape mismatch")                                         \
    X(ZK_ERR_RANGE, 8, "value out of range")                                     \
    X(ZK_ERR_IO, 9, "I/O error")                                                 \
    X(ZK_ERR_VERIFY, 10, "verification failed")                                  \
    X(ZK_ERR_CANCELLED, 11, "cancelled")                                         \
    X(ZK_ERR_STATE, 12, "object used in the wrong state")                        \
    X(ZK_ERR_INTERNAL, 13, "internal error")

typedef enum {
#define ZK_STATUS_ENUM_(name, value, msg) name = value,
    ZK_STATUS_LIST(ZK_STATUS_ENUM_)
#undef ZK_STATUS_ENUM_
    ZK_STATUS_COUNT
} zk_status;

/* Optional detail for a failure. Functions that take a zk_error * accept NULL. */
typedef struct {
    zk_status code;
    char msg[512];
} zk_error;

/* Symbolic name ("ZK_ERR_PARSE") and one-line message ("parse error") of a
 * status; unknown values give "ZK_ERR_UNKNOWN" / "unknown status". */
const char *zk_status_name(int status);
const char *zk_status_message(int status);

/* Records code and a printf-style message in err (if non-NULL), returns code.
 * Typical use: return zk_fail(err, ZK_ERR_PARSE, "node %s: ...", name); */
zk_status zk_fail(zk_error *err, zk_status code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Clears err to ZK_OK and an empty message (NULL is a no-op). */
void zk_error_clear(zk_error *err);

#endif

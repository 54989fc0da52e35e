#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
#define ZK_STATUS_NAME_(name, value, msg) [value] = #name,
    ZK_STATUS_LIST(ZK_STATUS_NAME_)
#undef ZK_STATUS_NAME_
};

static const char *const status_messages[] = {
#define ZK_STATUS_MSG_(name, value, msg) [value] = msg,
    ZK_STATUS_LIST(ZK_STATUS_MSG_)
#undef ZK_STATUS_MSG_
};

_Static_assert(sizeof(status_names) / sizeof(status_names[0]) == ZK_STATUS_COUNT,
               "status values must be dense 0..ZK_STATUS_COUNT-1");

const char *zk_status_name(int status) {
    if (status < 0 || status >= ZK_STATUS_COUNT) return "ZK_ERR_UNKNOWN";
    return status_names[status];
}

const char *zk_status_message(int status) {
    if (status < 0 || status >= ZK_STATUS_COUNT) return "unknown status";
    return status_messages[status];
}

zk_status zk_fail(zk_error *err, zk_status code, const char *fmt, ...) {
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void zk_error_clear(zk_error *err) {
    if (!err) return;
    err->code = ZK_OK;
    err->msg[0] = '\0';
}

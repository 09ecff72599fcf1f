/* Threads.java's peer: what pinning and real-time scheduling of Quiver's threads need from libc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* cpu_set_t */
#endif
#include <errno.h>
#include <sched.h>
#include "quiver_layout.h"

static const struct quiver_layout_entry threads_layout[] = {
	{ "sizeof.cpu_set_t", (int64_t)sizeof(cpu_set_t) },
	QUIVER_SIZE(sched_param),
	QUIVER_OFF(sched_param, sched_priority),
	QUIVER_CONST(SCHED_FIFO),
	QUIVER_CONST(EPERM),
	QUIVER_LAYOUT_END
};
QUIVER_LAYOUT_EXPORT(threads, threads_layout)

/* DpdkLog.java's peer: DPDK's log as a stream whose writes go to Quiver's logger. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/types.h>
#include <rte_log.h>

typedef void (*quiver_log_sink)(int level, const char *text, size_t length);

static quiver_log_sink sink;
static FILE *stream;

/*
 * rte_vlog formats a message into the stream and flushes it, so each write is one message; the level is the
 * message's while it is written.
 */
static ssize_t quiver_log_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	if (sink != NULL)
		sink((int)rte_log_cur_msg_loglevel(), buf, size);
	return (ssize_t)size;
}

/* Sends every DPDK log message to `to`; call before rte_eal_init so that the EAL's own go there too. */
int quiver_log_to(quiver_log_sink to)
{
	cookie_io_functions_t io = { .read = NULL, .write = quiver_log_write, .seek = NULL, .close = NULL };

	sink = to;
	if (stream == NULL) {
		stream = fopencookie(NULL, "w", io);
		if (stream == NULL)
			return -1;
	}
	return rte_openlog_stream(stream);
}

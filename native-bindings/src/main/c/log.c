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

/*
 * Sends every DPDK log message to `to` (NULL: to stderr again); call before rte_eal_init so that the EAL's own go
 * there too.
 */
int quiver_log_to(quiver_log_sink to)
{
	cookie_io_functions_t io = { .read = NULL, .write = quiver_log_write, .seek = NULL, .close = NULL };

	sink = to;
	if (to == NULL) /* back to DPDK's default (stderr): nothing calls into a JVM that is going away */
		return rte_openlog_stream(NULL);
	if (stream == NULL) {
		stream = fopencookie(NULL, "w", io);
		if (stream == NULL)
			return -1;
		/*
		 * Unbuffered: glibc's vfprintf then formats a message in its own buffer and writes it once, on the
		 * logging thread, whose level rte_log_cur_msg_loglevel() is. A buffer shared by every thread would let
		 * two threads' messages meet in one write under one level.
		 */
		setvbuf(stream, NULL, _IONBF, 0);
	}
	return rte_openlog_stream(stream);
}

/* Eal.java's peer: EAL state DPDK keeps in thread-local macros. */
#include <rte_config.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include "quiver_layout.h"

int quiver_errno(void)
{
	return rte_errno;
}

int quiver_lcore_id(void)
{
	return (int)rte_lcore_id();
}

static const struct quiver_layout_entry eal_layout[] = {
	QUIVER_CONST(RTE_MAX_LCORE),
	QUIVER_CONST(SOCKET_ID_ANY),
	QUIVER_LAYOUT_END
};
QUIVER_LAYOUT_EXPORT(eal, eal_layout)

/* Lpm.java's peer: DPDK's rte_lpm, the table Quiver's own IPv4 FIB is measured and checked against. The lookups are
 * static inline; the configuration struct is filled here, so Java passes plain numbers. */
#include <stdint.h>
#include <string.h>
#include <rte_config.h>
#include <rte_lpm.h>
#include "quiver_layout.h"

int64_t quiver_lpm_create(const char *name, int socket, int max_rules, int number_tbl8s)
{
	struct rte_lpm_config config;
	memset(&config, 0, sizeof(config));
	config.max_rules = (uint32_t)max_rules;
	config.number_tbl8s = (uint32_t)number_tbl8s;
	return (int64_t)(uintptr_t)rte_lpm_create(name, socket, &config);
}

/* Looks up n addresses (host order) into hops: the next hop, or -1 where no route covers the address. */
void quiver_lpm_lookup_bulk(const struct rte_lpm *lpm, const uint32_t *ips, int32_t *hops, int n)
{
	uint32_t raw[64];
	for (int done = 0; done < n; done += 64) {
		int chunk = n - done < 64 ? n - done : 64;
		rte_lpm_lookup_bulk(lpm, ips + done, raw, (unsigned)chunk);
		for (int i = 0; i < chunk; i++)
			hops[done + i] = (raw[i] & RTE_LPM_LOOKUP_SUCCESS) ? (int32_t)(raw[i] & 0x00ffffff) : -1;
	}
}

static const struct quiver_layout_entry lpm_layout[] = {
	QUIVER_CONST(RTE_LPM_MAX_DEPTH),
	QUIVER_LAYOUT_END
};

QUIVER_LAYOUT_EXPORT(lpm, lpm_layout)

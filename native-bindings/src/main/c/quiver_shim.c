/*
 * Quiver's C shim. DPDK's fast path (rx/tx burst, mbuf alloc/free) is static inline and so has no
 * symbol that FFM could bind; these wrappers give it one. Everything else the bindings call is a real
 * DPDK symbol, reached through this library's dependencies.
 *
 * The layout table at the bottom is the single source of struct offsets, sizes and enum values the Java
 * side uses: it comes from the compiler (offsetof/sizeof), never typed by hand in Java.
 *
 * Conventions (FFM-DPDK-NOTES): int parameters and returns (no unsigned-short sign traps), pointers returned
 * as int64_t so the Java side never materialises a MemorySegment per call.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* cpu_set_t */
#endif
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <rte_config.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_flow.h>
#include <rte_ether.h>

/* ---- fast path ---------------------------------------------------------------------------------- */

int quiver_rx_burst(int port, int queue, struct rte_mbuf **pkts, int n)
{
	return rte_eth_rx_burst((uint16_t)port, (uint16_t)queue, pkts, (uint16_t)n);
}

int quiver_tx_burst(int port, int queue, struct rte_mbuf **pkts, int n)
{
	return rte_eth_tx_burst((uint16_t)port, (uint16_t)queue, pkts, (uint16_t)n);
}

void quiver_pktmbuf_free_bulk(struct rte_mbuf **pkts, int n)
{
	rte_pktmbuf_free_bulk(pkts, (unsigned int)n);
}

void quiver_pktmbuf_free(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

int64_t quiver_pktmbuf_alloc(struct rte_mempool *mp)
{
	return (int64_t)(uintptr_t)rte_pktmbuf_alloc(mp);
}

int quiver_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **pkts, int n)
{
	return rte_pktmbuf_alloc_bulk(mp, pkts, (unsigned int)n);
}

/* Appends len bytes of room to the packet's single segment; returns its address or 0 if there is no room. */
int64_t quiver_pktmbuf_append(struct rte_mbuf *m, int len)
{
	return (int64_t)(uintptr_t)rte_pktmbuf_append(m, (uint16_t)len);
}

/* A full copy of a packet into a new mbuf from mp (flooding to several guests); returns 0 when mp is empty. */
int64_t quiver_pktmbuf_copy(struct rte_mbuf *m, struct rte_mempool *mp)
{
	return (int64_t)(uintptr_t)rte_pktmbuf_copy(m, mp, 0, UINT32_MAX);
}

/* ---- per-lcore state that DPDK keeps in thread-local macros ------------------------------------- */

int quiver_errno(void)
{
	return rte_errno;
}

int quiver_lcore_id(void)
{
	return (int)rte_lcore_id();
}

/* rte_eth_link holds bit-fields, which have no offsetof; this reads it for the Java side: 1 up, 0 down, or
 * DPDK's negative error code. */
int quiver_link_up(int port)
{
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	int rc = rte_eth_link_get_nowait((uint16_t)port, &link);
	if (rc != 0)
		return rc;
	return link.link_status == RTE_ETH_LINK_UP;
}

/* ---- layout table: offsets, sizes and enum values from the compiler ------------------------------ */

struct quiver_layout_entry {
	const char *name;
	int64_t value;
};

#define OFF(type, field) { #type "." #field, (int64_t)offsetof(struct type, field) }
#define SIZE(type) { "sizeof." #type, (int64_t)sizeof(struct type) }
#define CONST(name) { #name, (int64_t)(name) }

static const struct quiver_layout_entry quiver_layout_table[] = {
	/* struct rte_mbuf */
	SIZE(rte_mbuf),
	OFF(rte_mbuf, buf_addr),
	OFF(rte_mbuf, data_off),
	OFF(rte_mbuf, refcnt),
	OFF(rte_mbuf, nb_segs),
	OFF(rte_mbuf, port),
	OFF(rte_mbuf, ol_flags),
	OFF(rte_mbuf, packet_type),
	OFF(rte_mbuf, pkt_len),
	OFF(rte_mbuf, data_len),
	OFF(rte_mbuf, vlan_tci),
	OFF(rte_mbuf, hash),
	OFF(rte_mbuf, buf_len),
	OFF(rte_mbuf, pool),
	OFF(rte_mbuf, next),
	CONST(RTE_PKTMBUF_HEADROOM),
	CONST(RTE_MBUF_DEFAULT_BUF_SIZE),
	CONST(RTE_MEMPOOL_CACHE_MAX_SIZE),

	/* struct rte_eth_dev_info */
	SIZE(rte_eth_dev_info),
	OFF(rte_eth_dev_info, device),
	OFF(rte_eth_dev_info, driver_name),
	OFF(rte_eth_dev_info, if_index),
	OFF(rte_eth_dev_info, max_rx_queues),
	OFF(rte_eth_dev_info, max_tx_queues),
	OFF(rte_eth_dev_info, max_mac_addrs),
	OFF(rte_eth_dev_info, rx_desc_lim),
	OFF(rte_eth_dev_info, tx_desc_lim),
	SIZE(rte_eth_desc_lim),
	OFF(rte_eth_desc_lim, nb_max),
	OFF(rte_eth_desc_lim, nb_min),
	OFF(rte_eth_desc_lim, nb_align),

	/* struct rte_eth_conf: configured zeroed, i.e. DPDK's defaults */
	SIZE(rte_eth_conf),

	/* struct rte_eth_stats */
	SIZE(rte_eth_stats),
	OFF(rte_eth_stats, ipackets),
	OFF(rte_eth_stats, opackets),
	OFF(rte_eth_stats, ibytes),
	OFF(rte_eth_stats, obytes),
	OFF(rte_eth_stats, imissed),
	OFF(rte_eth_stats, ierrors),
	OFF(rte_eth_stats, oerrors),
	OFF(rte_eth_stats, rx_nombuf),

	/* xstats */
	SIZE(rte_eth_xstat),
	OFF(rte_eth_xstat, id),
	OFF(rte_eth_xstat, value),
	SIZE(rte_eth_xstat_name),
	OFF(rte_eth_xstat_name, name),
	CONST(RTE_ETH_XSTATS_NAME_SIZE),

	/* MAC */
	SIZE(rte_ether_addr),
	CONST(RTE_ETHER_ADDR_LEN),

	/* scheduling of control threads (sched_setscheduler) */
	{ "sizeof.cpu_set_t", (int64_t)sizeof(cpu_set_t) },
	SIZE(sched_param),
	OFF(sched_param, sched_priority),
	CONST(SCHED_FIFO),
	CONST(EPERM),

	/* rte_flow */
	SIZE(rte_flow_attr),
	SIZE(rte_flow_item),
	OFF(rte_flow_item, type),
	OFF(rte_flow_item, spec),
	OFF(rte_flow_item, last),
	OFF(rte_flow_item, mask),
	SIZE(rte_flow_action),
	OFF(rte_flow_action, type),
	OFF(rte_flow_action, conf),
	SIZE(rte_flow_error),
	OFF(rte_flow_error, type),
	OFF(rte_flow_error, cause),
	OFF(rte_flow_error, message),
	SIZE(rte_flow_item_eth),
	OFF(rte_flow_item_eth, dst),
	OFF(rte_flow_item_eth, src),
	OFF(rte_flow_item_eth, type),
	SIZE(rte_flow_item_vlan),
	OFF(rte_flow_item_vlan, tci),
	OFF(rte_flow_item_vlan, inner_type),
	SIZE(rte_flow_item_ipv4),
	OFF(rte_flow_item_ipv4, hdr.src_addr),
	OFF(rte_flow_item_ipv4, hdr.dst_addr),
	SIZE(rte_flow_action_queue),
	OFF(rte_flow_action_queue, index),
	CONST(RTE_FLOW_ITEM_TYPE_END),
	CONST(RTE_FLOW_ITEM_TYPE_ETH),
	CONST(RTE_FLOW_ITEM_TYPE_VLAN),
	CONST(RTE_FLOW_ITEM_TYPE_IPV4),
	CONST(RTE_FLOW_ACTION_TYPE_END),
	CONST(RTE_FLOW_ACTION_TYPE_QUEUE),
	CONST(RTE_FLOW_ACTION_TYPE_DROP),
	CONST(RTE_MAX_LCORE),
	CONST(RTE_MAX_ETHPORTS),
	CONST(SOCKET_ID_ANY),
	{ NULL, 0 }
};

/* The attribute bits of rte_flow_attr are bit-fields; the shim sets them. */
void quiver_flow_attr_init(struct rte_flow_attr *attr, int group, int priority, int ingress, int egress)
{
	memset(attr, 0, sizeof(*attr));
	attr->group = (uint32_t)group;
	attr->priority = (uint32_t)priority;
	attr->ingress = ingress ? 1 : 0;
	attr->egress = egress ? 1 : 0;
}

int quiver_layout_count(void)
{
	return (int)(sizeof(quiver_layout_table) / sizeof(quiver_layout_table[0])) - 1;
}

const char *quiver_layout_name(int i)
{
	return quiver_layout_table[i].name;
}

int64_t quiver_layout_value(int i)
{
	return quiver_layout_table[i].value;
}

/* Accessors the Java side compares its offset-based reads against at start-up. */
int64_t quiver_check_mtod(const struct rte_mbuf *m)
{
	return (int64_t)(uintptr_t)rte_pktmbuf_mtod(m, void *);
}

int quiver_check_pkt_len(const struct rte_mbuf *m)
{
	return (int)rte_pktmbuf_pkt_len(m);
}

int quiver_check_data_len(const struct rte_mbuf *m)
{
	return (int)rte_pktmbuf_data_len(m);
}

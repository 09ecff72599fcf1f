/*
 * Mbufs.java's and Mempools.java's peer. DPDK's mbuf fast path is static inline and so has no symbol FFM could bind;
 * these wrappers give it one. Conventions (FFM-DPDK-NOTES): int parameters and returns (no unsigned-short sign
 * traps), pointers returned as int64_t so the Java side never materialises a MemorySegment per call.
 */
#include <stdint.h>
#include <rte_config.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include "quiver_layout.h"

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

/* Appends len bytes of room to the packet's last segment; returns its address or 0 if there is no room. */
int64_t quiver_pktmbuf_append(struct rte_mbuf *m, int len)
{
	return (int64_t)(uintptr_t)rte_pktmbuf_append(m, (uint16_t)len);
}

/* A full copy of a packet into a new mbuf from mp (flooding to several guests); returns 0 when mp is empty. */
int64_t quiver_pktmbuf_copy(struct rte_mbuf *m, struct rte_mempool *mp)
{
	return (int64_t)(uintptr_t)rte_pktmbuf_copy(m, mp, 0, UINT32_MAX);
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

int quiver_check_tailroom(const struct rte_mbuf *m)
{
	return (int)rte_pktmbuf_tailroom(m);
}

static const struct quiver_layout_entry mbufs_layout[] = {
	QUIVER_SIZE(rte_mbuf),
	QUIVER_OFF(rte_mbuf, buf_addr),
	QUIVER_OFF(rte_mbuf, data_off),
	QUIVER_OFF(rte_mbuf, refcnt),
	QUIVER_OFF(rte_mbuf, nb_segs),
	QUIVER_OFF(rte_mbuf, port),
	QUIVER_OFF(rte_mbuf, ol_flags),
	QUIVER_OFF(rte_mbuf, packet_type),
	QUIVER_OFF(rte_mbuf, pkt_len),
	QUIVER_OFF(rte_mbuf, data_len),
	QUIVER_OFF(rte_mbuf, vlan_tci),
	QUIVER_OFF(rte_mbuf, hash),
	QUIVER_OFF(rte_mbuf, buf_len),
	QUIVER_OFF(rte_mbuf, pool),
	QUIVER_OFF(rte_mbuf, next),
	QUIVER_CONST(RTE_PKTMBUF_HEADROOM),
	QUIVER_CONST(RTE_MBUF_DEFAULT_BUF_SIZE),
	QUIVER_CONST(RTE_MEMPOOL_CACHE_MAX_SIZE),
	QUIVER_LAYOUT_END
};
QUIVER_LAYOUT_EXPORT(mbufs, mbufs_layout)

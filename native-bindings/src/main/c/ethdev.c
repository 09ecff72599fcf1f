/* EthDev.java's peer: the static-inline burst calls, and what rte_eth_link's bit-fields hide from offsetof. */
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <rte_config.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <linux/if_packet.h>
#include "quiver_layout.h"

int quiver_rx_burst(int port, int queue, struct rte_mbuf **pkts, int n)
{
	return rte_eth_rx_burst((uint16_t)port, (uint16_t)queue, pkts, (uint16_t)n);
}

int quiver_tx_burst(int port, int queue, struct rte_mbuf **pkts, int n)
{
	return rte_eth_tx_burst((uint16_t)port, (uint16_t)queue, pkts, (uint16_t)n);
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

/* The link's speed in Mbit/s (0 where the driver reports none, as virtual devices may), or DPDK's negative error
 * code: an aggregation's members are compared by it. */
int quiver_link_speed(int port)
{
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	int rc = rte_eth_link_get_nowait((uint16_t)port, &link);
	if (rc != 0)
		return rc;
	return link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : (int)link.link_speed;
}

static const struct quiver_layout_entry ethdev_layout[] = {
	QUIVER_SIZE(rte_eth_dev_info),
	QUIVER_OFF(rte_eth_dev_info, device),
	QUIVER_OFF(rte_eth_dev_info, driver_name),
	QUIVER_OFF(rte_eth_dev_info, if_index),
	QUIVER_OFF(rte_eth_dev_info, max_rx_queues),
	QUIVER_OFF(rte_eth_dev_info, max_tx_queues),
	QUIVER_OFF(rte_eth_dev_info, max_mac_addrs),
	QUIVER_OFF(rte_eth_dev_info, rx_desc_lim),
	QUIVER_OFF(rte_eth_dev_info, max_rx_pktlen),
	QUIVER_OFF(rte_eth_dev_info, min_mtu),
	QUIVER_OFF(rte_eth_dev_info, max_mtu),
	QUIVER_OFF(rte_eth_dev_info, rx_offload_capa),
	QUIVER_OFF(rte_eth_dev_info, tx_offload_capa),
	QUIVER_OFF(rte_eth_dev_info, tx_desc_lim),
	QUIVER_SIZE(rte_eth_desc_lim),
	QUIVER_OFF(rte_eth_desc_lim, nb_max),
	QUIVER_OFF(rte_eth_desc_lim, nb_min),
	QUIVER_OFF(rte_eth_desc_lim, nb_align),
	/* struct rte_eth_conf: configured zeroed, i.e. DPDK's defaults */
	QUIVER_SIZE(rte_eth_conf),
	QUIVER_OFF(rte_eth_conf, rxmode.mtu),
	QUIVER_OFF(rte_eth_conf, rxmode.offloads),
	QUIVER_OFF(rte_eth_conf, txmode.offloads),
	{ "RTE_ETH_RX_OFFLOAD_SCATTER", (int64_t)RTE_ETH_RX_OFFLOAD_SCATTER },
	{ "RTE_ETH_TX_OFFLOAD_MULTI_SEGS", (int64_t)RTE_ETH_TX_OFFLOAD_MULTI_SEGS },
	QUIVER_CONST(RTE_ETHER_MTU),
	/* what ethdev adds to an MTU when a driver states no max_mtu of its own (eth_dev_get_overhead_len) */
	{ "ETHDEV_DEFAULT_OVERHEAD", (int64_t)(RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN) },
	/* net_af_packet's ring frames: the kernel's tpacket2 header before the MAC header, and the part of it the
	 * driver subtracts from framesz when it checks a frame against an mbuf */
	QUIVER_CONST(TPACKET2_HDRLEN),
	QUIVER_CONST(TPACKET_ALIGNMENT),
	{ "sizeof.sockaddr_ll", (int64_t)sizeof(struct sockaddr_ll) },
	QUIVER_CONST(ENOTSUP),
	QUIVER_SIZE(rte_eth_stats),
	QUIVER_OFF(rte_eth_stats, ipackets),
	QUIVER_OFF(rte_eth_stats, opackets),
	QUIVER_OFF(rte_eth_stats, ibytes),
	QUIVER_OFF(rte_eth_stats, obytes),
	QUIVER_OFF(rte_eth_stats, imissed),
	QUIVER_OFF(rte_eth_stats, ierrors),
	QUIVER_OFF(rte_eth_stats, oerrors),
	QUIVER_OFF(rte_eth_stats, rx_nombuf),
	QUIVER_SIZE(rte_eth_xstat),
	QUIVER_OFF(rte_eth_xstat, id),
	QUIVER_OFF(rte_eth_xstat, value),
	QUIVER_SIZE(rte_eth_xstat_name),
	QUIVER_OFF(rte_eth_xstat_name, name),
	QUIVER_CONST(RTE_ETH_XSTATS_NAME_SIZE),
	QUIVER_SIZE(rte_ether_addr),
	QUIVER_CONST(RTE_ETHER_ADDR_LEN),
	QUIVER_CONST(RTE_MAX_ETHPORTS),
	QUIVER_LAYOUT_END
};
QUIVER_LAYOUT_EXPORT(ethdev, ethdev_layout)

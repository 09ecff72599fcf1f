/* Flows.java's and FlowRule.java's peer: rte_flow's attribute bit-fields and the structs rules are built of. */
#include <stdint.h>
#include <string.h>
#include <rte_config.h>
#include <rte_flow.h>
#include "quiver_layout.h"

/* The attribute bits of rte_flow_attr are bit-fields; the shim sets them. */
void quiver_flow_attr_init(struct rte_flow_attr *attr, int group, int priority, int ingress, int egress)
{
	memset(attr, 0, sizeof(*attr));
	attr->group = (uint32_t)group;
	attr->priority = (uint32_t)priority;
	attr->ingress = ingress ? 1 : 0;
	attr->egress = egress ? 1 : 0;
}

static const struct quiver_layout_entry flows_layout[] = {
	QUIVER_SIZE(rte_flow_attr),
	QUIVER_SIZE(rte_flow_item),
	QUIVER_OFF(rte_flow_item, type),
	QUIVER_OFF(rte_flow_item, spec),
	QUIVER_OFF(rte_flow_item, last),
	QUIVER_OFF(rte_flow_item, mask),
	QUIVER_SIZE(rte_flow_action),
	QUIVER_OFF(rte_flow_action, type),
	QUIVER_OFF(rte_flow_action, conf),
	QUIVER_SIZE(rte_flow_error),
	QUIVER_OFF(rte_flow_error, type),
	QUIVER_OFF(rte_flow_error, cause),
	QUIVER_OFF(rte_flow_error, message),
	QUIVER_SIZE(rte_flow_item_eth),
	QUIVER_OFF(rte_flow_item_eth, dst),
	QUIVER_OFF(rte_flow_item_eth, src),
	QUIVER_OFF(rte_flow_item_eth, type),
	QUIVER_SIZE(rte_flow_item_vlan),
	QUIVER_OFF(rte_flow_item_vlan, tci),
	QUIVER_OFF(rte_flow_item_vlan, inner_type),
	QUIVER_SIZE(rte_flow_item_ipv4),
	QUIVER_OFF(rte_flow_item_ipv4, hdr.src_addr),
	QUIVER_OFF(rte_flow_item_ipv4, hdr.dst_addr),
	QUIVER_SIZE(rte_flow_item_tcp),
	QUIVER_OFF(rte_flow_item_tcp, hdr.src_port),
	QUIVER_OFF(rte_flow_item_tcp, hdr.dst_port),
	QUIVER_SIZE(rte_flow_item_udp),
	QUIVER_OFF(rte_flow_item_udp, hdr.src_port),
	QUIVER_OFF(rte_flow_item_udp, hdr.dst_port),
	QUIVER_SIZE(rte_flow_action_queue),
	QUIVER_OFF(rte_flow_action_queue, index),
	QUIVER_CONST(RTE_FLOW_ITEM_TYPE_END),
	QUIVER_CONST(RTE_FLOW_ITEM_TYPE_ETH),
	QUIVER_CONST(RTE_FLOW_ITEM_TYPE_VLAN),
	QUIVER_CONST(RTE_FLOW_ITEM_TYPE_IPV4),
	QUIVER_CONST(RTE_FLOW_ITEM_TYPE_TCP),
	QUIVER_CONST(RTE_FLOW_ITEM_TYPE_UDP),
	QUIVER_CONST(RTE_FLOW_ACTION_TYPE_END),
	QUIVER_CONST(RTE_FLOW_ACTION_TYPE_QUEUE),
	QUIVER_CONST(RTE_FLOW_ACTION_TYPE_DROP),
	QUIVER_LAYOUT_END
};
QUIVER_LAYOUT_EXPORT(flows, flows_layout)

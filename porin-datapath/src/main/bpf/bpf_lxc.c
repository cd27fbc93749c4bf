// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Copyright Porin authors */

/*
 * Programs on the host side of every pod's veth. One instance of each is
 * loaded per node and attached to every endpoint; all per-endpoint facts
 * come from maps, so a new pod costs map writes, never a verifier run.
 *
 *   from_container  tc ingress of lxc*: packets the pod sends
 *   to_container    tc egress of lxc*: packets the host stack delivers to the pod
 */

#include "lib/common.h"
#include "lib/config.h"
#include "lib/drop.h"
#include "lib/metrics.h"
#include "lib/eps.h"
#include "lib/ipv4.h"
#include "lib/conntrack.h"
#include "lib/arp.h"

/*
 * Deliver to a pod on this node: rewrite the L2 header as the pod's gateway
 * would and hand the packet straight to the ingress of the pod's interface
 * in its namespace, skipping the host stack and the backlog queue.
 */
static __always_inline int
redirect_to_endpoint(struct __sk_buff *ctx, const struct pkt4 *pkt,
		     const struct endpoint_info *dst)
{
	int ret;

	ret = ipv4_dec_ttl(ctx, pkt->l3_off);
	if (IS_ERR(ret))
		return ret;
	ret = eth_rewrite(ctx, dst->node_mac, dst->mac);
	if (IS_ERR(ret))
		return ret;
	account_rx(dst, ctx->len);
	update_metrics(ctx->len, REASON_FORWARDED, DIR_INGRESS);
	return bpf_redirect_peer(dst->ifindex, 0);
}

static __always_inline int
ipv4_from_container(struct __sk_buff *ctx, __u32 l3_off)
{
	struct endpoint_info *src, *dst;
	struct ct4_key key = {};
	struct pkt4 pkt = {};
	__u32 now = mono_now();
	int ret, state;

	ret = parse_ipv4(ctx, l3_off, &pkt);
	if (IS_ERR(ret))
		return ret;

	/* Anti-spoofing: the source must be the address of the endpoint behind this veth. */
	src = lookup_ip4_endpoint(pkt.saddr);
	if (!src || src->ifindex != ctx->ifindex)
		return DROP_INVALID_SIP;
	account_tx(src, ctx->len);

	state = ct4_lookup(ctx, &pkt, &key, now);
	dst = lookup_ip4_endpoint(pkt.daddr);
	if (state == CT_NEW) {
		ret = ct4_create(ctx, &pkt, &key, src->sec_id, now);
		if (IS_ERR(ret))
			return ret;
	}
	update_metrics(ctx->len, REASON_FORWARDED, DIR_EGRESS);

	if (dst)
		return redirect_to_endpoint(ctx, &pkt, dst);
	/* The host, or beyond it: the stack routes it. */
	return CTX_ACT_OK;
}

SEC("tc")
int from_container(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	int ret;

	if ((void *)(eth + 1) > data_end)
		return send_drop(ctx, DROP_INVALID, DIR_EGRESS);

	switch (eth->h_proto) {
	case bpf_htons(ETH_P_IP):
		ret = ipv4_from_container(ctx, sizeof(*eth));
		break;
	case bpf_htons(ETH_P_ARP):
		ret = handle_arp(ctx);
		break;
	default:
		ret = DROP_UNKNOWN_L3;
		break;
	}
	if (IS_ERR(ret))
		return send_drop(ctx, ret, DIR_EGRESS);
	return ret;
}

static __always_inline int
ipv4_to_container(struct __sk_buff *ctx, __u32 l3_off)
{
	struct endpoint_info *dst;
	struct ct4_key key = {};
	struct pkt4 pkt = {};
	__u32 now = mono_now();
	int ret, state;

	ret = parse_ipv4(ctx, l3_off, &pkt);
	if (IS_ERR(ret))
		return ret;

	dst = lookup_ip4_endpoint(pkt.daddr);
	if (!dst || dst->ifindex != ctx->ifindex)
		return CTX_ACT_OK;	/* not addressed to this pod: broadcast and the like */

	state = ct4_lookup(ctx, &pkt, &key, now);
	if (state == CT_NEW) {
		ret = ct4_create(ctx, &pkt, &key, 0, now);
		if (IS_ERR(ret))
			return ret;
	}
	account_rx(dst, ctx->len);
	update_metrics(ctx->len, REASON_FORWARDED, DIR_INGRESS);
	return CTX_ACT_OK;
}

SEC("tc")
int to_container(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	int ret;

	if ((void *)(eth + 1) > data_end)
		return send_drop(ctx, DROP_INVALID, DIR_INGRESS);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return CTX_ACT_OK;	/* ARP from the host resolving the pod */

	ret = ipv4_to_container(ctx, sizeof(*eth));
	if (IS_ERR(ret))
		return send_drop(ctx, ret, DIR_INGRESS);
	return ret;
}

char __license[] SEC("license") = "Dual BSD/GPL";

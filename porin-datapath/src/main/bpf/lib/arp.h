/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"
#include "drop.h"
#include "eps.h"

/* linux/if_arp.h drags in libc headers, so the few ARP constants live here. */
#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

struct arphdr {
	__be16	ar_hrd;
	__be16	ar_pro;
	__u8	ar_hln;
	__u8	ar_pln;
	__be16	ar_op;
};

/* The Ethernet/IPv4 body of an ARP message. */
struct arp_eth4 {
	__u8	sha[6];
	__be32	sip;
	__u8	tha[6];
	__be32	tip;
} __attribute__((packed));

/*
 * Pods have a /32 address and route everything through their gateway, so
 * every ARP request a pod sends asks for the gateway. The datapath answers
 * it with the host-side veth's MAC; no proxy ARP, no bridge.
 * Requests for the pod's own address (duplicate address detection) and
 * replies (the host resolving the pod) go on to the stack.
 */
static __always_inline int
handle_arp(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct arphdr *arp = data + sizeof(*eth);
	struct arp_eth4 *body = (void *)(arp + 1);
	struct endpoint_info *ep;
	__be32 target;

	if ((void *)(body + 1) > data_end)
		return DROP_INVALID;
	if (arp->ar_hrd != bpf_htons(ARPHRD_ETHER) || arp->ar_pro != bpf_htons(ETH_P_IP) ||
	    arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
		return CTX_ACT_OK;

	ep = lookup_ip4_endpoint(body->sip);
	if (!ep || ep->ifindex != ctx->ifindex)
		return DROP_INVALID_SIP;
	if (arp->ar_op != bpf_htons(ARPOP_REQUEST) || body->tip == body->sip)
		return CTX_ACT_OK;

	target = body->tip;
	__builtin_memcpy(body->tha, body->sha, ETH_ALEN);
	body->tip = body->sip;
	__builtin_memcpy(body->sha, ep->node_mac, ETH_ALEN);
	body->sip = target;
	arp->ar_op = bpf_htons(ARPOP_REPLY);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, ep->node_mac, ETH_ALEN);

	/* Back out of the veth it came in on, i.e. to the pod. */
	return bpf_redirect(ctx->ifindex, 0);
}

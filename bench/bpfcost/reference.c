// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Copyright Porin authors */

/*
 * The floors bench/bpf-cost.sh holds bpf_lxc against, built from the same
 * endpoint map so that the harness fills them like the real datapath:
 *
 *   empty           returns at once: what running any tc program costs
 *   from_container  one endpoint lookup, the MAC addresses written, then
 *                   bpf_redirect_peer: about the least a pod-to-pod
 *                   forwarder can do
 *   to_container    passes everything (the live mode attaches a pair)
 */

#include "lib/common.h"
#include "lib/eps.h"

SEC("tc")
int empty(struct __sk_buff *ctx)
{
	return TC_ACT_OK;
}

SEC("tc")
int from_container(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip4 = (void *)(eth + 1);
	struct endpoint_info *dst;

	if ((void *)(ip4 + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	dst = lookup_ip4_endpoint(ip4->daddr);
	if (!dst)
		return TC_ACT_OK;
	__builtin_memcpy(eth->h_dest, dst->mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, dst->node_mac, ETH_ALEN);
	return bpf_redirect_peer(dst->ifindex, 0);
}

SEC("tc")
int to_container(struct __sk_buff *ctx)
{
	return TC_ACT_OK;
}

char __license[] SEC("license") = "Dual BSD/GPL";

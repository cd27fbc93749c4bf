/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"

/* Endpoint flags: what the datapath enforces for this endpoint. */
#define ENDPOINT_F_POLICY_INGRESS	(1 << 0)	/* ingress is default-deny: consult policy */
#define ENDPOINT_F_POLICY_EGRESS	(1 << 1)	/* egress is default-deny: consult policy */
#define ENDPOINT_F_AUDIT_INGRESS	(1 << 2)	/* report ingress policy drops, forward anyway */
#define ENDPOINT_F_AUDIT_EGRESS		(1 << 3)	/* report egress policy drops, forward anyway */

/*
 * Key of the endpoint map: a pod address. IPv4 addresses use the first four
 * bytes of addr and leave the rest zero.
 * Must match dev.porin.datapath.maps.EndpointMap.Key
 */
struct endpoint_key {
	__u8	addr[16];
	__u8	family;		/* ENDPOINT_KEY_IPV4, ENDPOINT_KEY_IPV6 */
	__u8	pad[3];
};

/* Must match dev.porin.datapath.maps.EndpointMap.Info */
struct endpoint_info {
	__u32	ifindex;	/* host-side veth */
	__u16	lxc_id;		/* endpoint ID */
	__u16	flags;		/* ENDPOINT_F_* */
	__u8	mac[6];		/* the pod's own interface */
	__u8	node_mac[6];	/* the host-side veth: the pod's next hop */
	__u32	sec_id;		/* security identity */
	__u32	pad[2];
};

/*
 * Every local endpoint by address. The datapath reads per-endpoint facts
 * from here, so adding a pod writes map entries and loads no program.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct endpoint_key);
	__type(value, struct endpoint_info);
	__uint(max_entries, 65535);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_lxc SEC(".maps");

/* Endpoint IDs run from 1 to ENDPOINT_ID_MAX, as in Cilium. */
#define ENDPOINT_ID_MAX		4095

/*
 * Per-endpoint traffic, seen from the pod: tx is what it sent, rx what was
 * delivered to it. The agent zeroes an endpoint's entry when it creates or
 * removes the endpoint.
 * Must match dev.porin.datapath.maps.EndpointStatsMap.Value
 */
struct endpoint_stats {
	__u64	rx_packets;
	__u64	rx_bytes;
	__u64	tx_packets;
	__u64	tx_bytes;
};

/* Indexed by endpoint ID: an inlined lookup, not a hash walk, per packet. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);		/* endpoint ID */
	__type(value, struct endpoint_stats);
	__uint(max_entries, ENDPOINT_ID_MAX + 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_lxc_stats SEC(".maps");

static __always_inline struct endpoint_info *
lookup_ip4_endpoint(__be32 addr)
{
	struct endpoint_key key = { .family = ENDPOINT_KEY_IPV4 };

	__builtin_memcpy(key.addr, &addr, sizeof(addr));
	return bpf_map_lookup_elem(&porin_lxc, &key);
}

static __always_inline void
account_tx(__u32 ep_id, __u32 bytes)
{
	struct endpoint_stats *stats = bpf_map_lookup_elem(&porin_lxc_stats, &ep_id);

	if (stats) {
		stats->tx_packets += 1;
		stats->tx_bytes += bytes;
	}
}

static __always_inline void
account_rx(__u32 ep_id, __u32 bytes)
{
	struct endpoint_stats *stats = bpf_map_lookup_elem(&porin_lxc_stats, &ep_id);

	if (stats) {
		stats->rx_packets += 1;
		stats->rx_bytes += bytes;
	}
}

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"
#include "drop.h"

/*
 * Per-endpoint policy maps: an LPM trie per endpoint, reached through
 * porin_policy by endpoint ID, so that the agent fills an endpoint's map
 * without any program knowing the endpoint.
 *
 * Keys are matched in full on the peer identity and the direction, then on a
 * prefix of protocol and destination port: a key with prefixlen
 * POLICY_STATIC_PREFIX covers every protocol and port, +8 one protocol's
 * every port, +8+N the ports sharing the first N bits (port ranges become a
 * few such prefixes). Identity 0 stands for any peer.
 * Must match dev.porin.datapath.maps.PolicyMap.Key
 */
struct policy_key {
	__u32	prefixlen;
	__u32	sec_label;	/* peer identity, 0 = any */
	__u8	egress;		/* 0 ingress, 1 egress */
	__u8	protocol;	/* 0 = any */
	__be16	dport;		/* ICMP: the type */
};

#define POLICY_STATIC_PREFIX	40	/* sec_label and egress */
#define POLICY_FULL_PREFIX	64

/* Must match dev.porin.datapath.maps.PolicyMap.Entry */
struct policy_entry {
	__u32	cookie;		/* the rules behind the entry, for attribution */
	__u8	deny;
	__u8	prefix_len;	/* protocol/port bits of the key: tells the match type */
	__be16	proxy_port;	/* reserved for L7 redirects */
};

/*
 * Per-endpoint maps are LPM tries of policy_key -> policy_entry. Their
 * template (and with it their size) is given at load time as an inner map
 * fd, so that the agent can size them; every endpoint's map must match it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__type(key, __u32);		/* endpoint ID */
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 65535);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_policy SEC(".maps");

/* Match types as policy verdict events report them (Cilium's numbering). */
#define POLICY_MATCH_NONE	0
#define POLICY_MATCH_L3_ONLY	1
#define POLICY_MATCH_L3_L4	2
#define POLICY_MATCH_L4_ONLY	3
#define POLICY_MATCH_ALL	4
#define POLICY_MATCH_L3_PROTO	5
#define POLICY_MATCH_PROTO_ONLY	6

/* What decided a packet: for events and attribution. */
struct policy_verdict {
	__u32	cookie;
	__u8	match_type;
	__u8	audited;
};

static __always_inline __u8
policy_match_type(__u32 sec_label, __u8 prefix_len)
{
	if (sec_label)
		return prefix_len > 8 ? POLICY_MATCH_L3_L4 :
		       prefix_len > 0 ? POLICY_MATCH_L3_PROTO : POLICY_MATCH_L3_ONLY;
	return prefix_len > 8 ? POLICY_MATCH_L4_ONLY :
	       prefix_len > 0 ? POLICY_MATCH_PROTO_ONLY : POLICY_MATCH_ALL;
}

/*
 * Policy precedence, per packet:
 *  1. The longest entry for the exact peer identity; if it denies, drop.
 *  2. The longest entry for any peer (identity 0).
 *  3. The any-peer entry wins if it denies, if there is no exact-peer entry,
 *     or if its protocol/port prefix is longer; else the exact-peer entry.
 *  4. No entry: no rule allows the packet.
 * A deny therefore beats any allow, however specific. The agent leaves out
 * allows that a deny for the same peer covers, since step 1 would pick them
 * as the longer match.
 * dev.porin.policy.PolicyLookup implements the same steps for tracing.
 */
static __always_inline int
policy_can_access(__u32 ep_id, __u32 remote_id, __u8 egress, __u8 proto, __be16 dport,
		  struct policy_verdict *v)
{
	struct policy_key key = {
		.prefixlen = POLICY_FULL_PREFIX,
		.sec_label = remote_id,
		.egress = egress,
		.protocol = proto,
		.dport = dport,
	};
	struct policy_entry *l3, *l4, *chosen;
	__u32 chosen_label = remote_id;
	void *map;

	map = bpf_map_lookup_elem(&porin_policy, &ep_id);
	if (!map)
		return DROP_NO_CONFIG;

	l3 = bpf_map_lookup_elem(map, &key);
	if (l3 && l3->deny) {
		chosen = l3;
		goto decided;
	}
	key.sec_label = 0;
	l4 = bpf_map_lookup_elem(map, &key);
	if (l4 && (l4->deny || !l3 || l4->prefix_len > l3->prefix_len)) {
		chosen = l4;
		chosen_label = 0;
	} else {
		chosen = l3;
	}
	if (!chosen) {
		v->cookie = 0;
		v->match_type = POLICY_MATCH_NONE;
		return DROP_POLICY;
	}
decided:
	v->cookie = chosen->cookie;
	v->match_type = policy_match_type(chosen_label, chosen->prefix_len);
	return chosen->deny ? DROP_POLICY_DENY : 0;
}

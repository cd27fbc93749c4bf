/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"

/* Reserved identities, as Cilium numbers them. */
#define HOST_ID		1
#define WORLD_ID	2

/*
 * The IP cache: which security identity an address has. Pods have /32
 * entries, the host's addresses /32 entries with the host identity, and the
 * prefixes policies name their CIDR identities; the longest prefix wins, so a
 * pod inside a policy's CIDR keeps its own identity. No entry: the world.
 * Must match dev.porin.datapath.maps.IpCacheMap.Key
 */
struct ipcache_key {
	__u32	prefixlen;	/* bits of addr that count */
	__be32	addr;
};

/* Must match dev.porin.datapath.maps.IpCacheMap.Value */
struct remote_endpoint_info {
	__u32	sec_identity;
	__u32	flags;		/* reserved */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct ipcache_key);
	__type(value, struct remote_endpoint_info);
	__uint(max_entries, 512000);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_ipcache SEC(".maps");

static __always_inline __u32
lookup_ip4_identity(__be32 addr)
{
	struct ipcache_key key = { .prefixlen = 32, .addr = addr };
	struct remote_endpoint_info *info = bpf_map_lookup_elem(&porin_ipcache, &key);

	return info ? info->sec_identity : WORLD_ID;
}

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"

/*
 * State the agent changes while programs run (load-time constants live in
 * config.h). One entry.
 * Must match dev.porin.datapath.maps.NodeConfigMap.Value
 */
struct node_config {
	__u32	policy_revision;	/* bumped whenever any policy map changes */
	__u32	flags;			/* reserved */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct node_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_config SEC(".maps");

static __always_inline __u32
policy_revision(void)
{
	__u32 zero = 0;
	struct node_config *c = bpf_map_lookup_elem(&porin_config, &zero);

	return c ? c->policy_revision : 0;
}

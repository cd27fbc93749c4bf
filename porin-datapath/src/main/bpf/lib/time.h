/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"

/*
 * The clock conntrack lifetimes are kept in: seconds of CLOCK_MONOTONIC, as
 * the agent reads them. Reading a clock is a helper call, and calls are
 * what a lean packet costs most; the coarse clock only moves on a tick
 * anyway. So each CPU reads it once per jiffy (bpf_jiffies64() is inlined
 * into a plain load) and keeps the second here for the rest of the tick.
 */
struct mono_cache {
	__u64	jiffies;	/* the jiffy sec was read in */
	__u32	sec;
	__u32	pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct mono_cache);
	__uint(max_entries, 1);
} porin_clock SEC(".maps");

static __always_inline __u32
mono_now(void)
{
	__u32 zero = 0;
	struct mono_cache *c = bpf_map_lookup_elem(&porin_clock, &zero);
	__u64 jiffies = bpf_jiffies64();

	if (unlikely(!c))
		return bpf_ktime_get_coarse_ns() / NSEC_PER_SEC;
	if (c->jiffies != jiffies) {
		c->jiffies = jiffies;
		c->sec = bpf_ktime_get_coarse_ns() / NSEC_PER_SEC;
	}
	return c->sec;
}

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"

/* Reason 0 counts forwarded packets; drops use their drop code. */
#define REASON_FORWARDED	0

/*
 * Counters are kept by reason and direction (DIR_INGRESS, DIR_EGRESS). A
 * packet one local pod sends straight to another is both the sender's
 * egress and the receiver's ingress; it is counted once, as METRICS_LOCAL,
 * and dev.porin.datapath.maps.MetricsMap adds it to both directions.
 */
#define METRICS_LOCAL		3
#define METRICS_DIRS		4
#define METRICS_REASONS		256

/* Must match dev.porin.datapath.maps.MetricsMap.Value */
struct metrics_value {
	__u64	count;
	__u64	bytes;
};

/*
 * Packets and bytes, indexed by reason * METRICS_DIRS + direction. Per CPU,
 * so counting takes no lock; an array, so the verifier inlines the lookup.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct metrics_value);
	__uint(max_entries, METRICS_REASONS * METRICS_DIRS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_metrics SEC(".maps");

static __always_inline void
update_metrics(__u64 bytes, __u8 reason, __u8 dir)
{
	__u32 key = (__u32)reason * METRICS_DIRS + dir;
	struct metrics_value *value = bpf_map_lookup_elem(&porin_metrics, &key);

	if (likely(value)) {
		value->count += 1;
		value->bytes += bytes;
	}
}

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"

/* Reason 0 in a metrics key counts forwarded packets; drops use their drop code. */
#define REASON_FORWARDED	0

/* Must match dev.porin.datapath.maps.MetricsMap.Key */
struct metrics_key {
	__u8	reason;		/* REASON_FORWARDED or a drop code (positive) */
	__u8	dir;		/* DIR_INGRESS, DIR_EGRESS */
	__u16	reserved[3];
};

/* Must match dev.porin.datapath.maps.MetricsMap.Value */
struct metrics_value {
	__u64	count;
	__u64	bytes;
};

/* Packets and bytes by reason and direction, per CPU so that counting takes no lock. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, struct metrics_key);
	__type(value, struct metrics_value);
	__uint(max_entries, 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_metrics SEC(".maps");

static __always_inline void
update_metrics(__u64 bytes, __u8 reason, __u8 dir)
{
	struct metrics_key key = { .reason = reason, .dir = dir };
	struct metrics_value *value, init = { .count = 1, .bytes = bytes };

	value = bpf_map_lookup_elem(&porin_metrics, &key);
	if (likely(value)) {
		value->count += 1;
		value->bytes += bytes;
		return;
	}
	/* Another CPU may have created the entry since the lookup. */
	if (bpf_map_update_elem(&porin_metrics, &key, &init, BPF_NOEXIST) == 0)
		return;
	value = bpf_map_lookup_elem(&porin_metrics, &key);
	if (value) {
		value->count += 1;
		value->bytes += bytes;
	}
}

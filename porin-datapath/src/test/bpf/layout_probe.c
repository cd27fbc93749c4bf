// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Copyright Porin authors */

/*
 * Not a program: a list of every struct a Java owner mirrors, one global
 * each, so that the compiler's BTF describes them all in full. The layout
 * tests compile this file and hold the Java layouts against its BTF.
 */

#include "lib/common.h"
#include "lib/config.h"
#include "lib/events.h"
#include "lib/metrics.h"
#include "lib/eps.h"
#include "lib/conntrack.h"
#include "lib/ipcache.h"
#include "lib/node_config.h"
#include "lib/policy.h"

struct datapath_config probe_datapath_config;
struct metrics_value probe_metrics_value;
struct endpoint_key probe_endpoint_key;
struct endpoint_info probe_endpoint_info;
struct endpoint_stats probe_endpoint_stats;
struct ct4_key probe_ct4_key;
struct ct_entry probe_ct_entry;
struct ipcache_key probe_ipcache_key;
struct remote_endpoint_info probe_remote_endpoint_info;
struct node_config probe_node_config;
struct policy_key probe_policy_key;
struct policy_entry probe_policy_entry;
struct event_hdr probe_event_hdr;
struct drop_notify probe_drop_notify;
struct trace_notify probe_trace_notify;
struct policy_verdict_notify probe_policy_verdict_notify;

char __license[] SEC("license") = "Dual BSD/GPL";

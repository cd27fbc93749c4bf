/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"

/*
 * Load-time configuration. The agent writes the whole struct into .rodata
 * before loading, so the verifier sees constants and dead branches vanish.
 * Must match dev.porin.datapath.DatapathConfig
 */
struct datapath_config {
	__u32	ct_lifetime_tcp;	/* established TCP, seconds */
	__u32	ct_lifetime_tcp_syn;	/* TCP until the handshake completes */
	__u32	ct_lifetime_tcp_close;	/* TCP after FIN in both directions or RST */
	__u32	ct_lifetime_any;	/* UDP, ICMP and everything else */
	__u32	drop_events;		/* 1: report every drop */
	__u32	policy_verdicts;	/* 1: report the verdict on a connection's first packet */
	__u32	trace_mode;		/* TRACE_MODE_* in events.h */
	__u32	trace_interval;		/* TRACE_MODE_CONNECTION: seconds between reports of a flow */
	__u32	events_wakeup_bytes;	/* wake the reader once this much is queued */
};

/* Defaults are Cilium's (bpf-ct-timeout-regular-*); the agent overrides them. */
const volatile struct datapath_config CONFIG = {
	.ct_lifetime_tcp	= 21600,
	.ct_lifetime_tcp_syn	= 60,
	.ct_lifetime_tcp_close	= 10,
	.ct_lifetime_any	= 60,
	.drop_events		= 1,
	.policy_verdicts	= 1,
	.trace_mode		= 1,
	.trace_interval		= 5,
	.events_wakeup_bytes	= 256 << 10,
};

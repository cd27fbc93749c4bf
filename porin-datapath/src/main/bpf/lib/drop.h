/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"
#include "events.h"
#include "metrics.h"

/*
 * Drop reasons. The numbers are Cilium's (pkg/monitor/api/drop.go), so that
 * tools and habits built on them keep working; programs return them negated.
 * dev.porin.datapath.DropReason mirrors this list and a test keeps both equal.
 */
#define DROP_INVALID_SIP	-132	/* source address is not the endpoint's own */
#define DROP_POLICY		-133	/* no policy entry allowed the packet */
#define DROP_INVALID		-134	/* malformed packet */
#define DROP_CT_INVALID_HDR	-135	/* truncated L4 header */
#define DROP_UNKNOWN_L3		-139	/* not IPv4, ARP */
#define DROP_WRITE_ERROR	-141	/* rewriting the packet failed */
#define DROP_CSUM_L3		-153	/* updating the IPv4 checksum failed */
#define DROP_CT_CREATE_FAILED	-155	/* conntrack map full or insertion failed */
#define DROP_FRAG_NOSUPPORT	-157	/* a non-first IPv4 fragment */
#define DROP_NO_CONFIG		-165	/* endpoint has no policy state yet */
#define DROP_POLICY_DENY	-181	/* an explicit deny rule matched */
#define DROP_TTL_EXCEEDED	-196	/* TTL ran out while routing */

/*
 * Account a drop, report it, and tell the caller to discard the packet.
 * Every drop in the datapath leaves through here, so the counters and the
 * events never miss one.
 */
static __always_inline int
send_drop(struct __sk_buff *ctx, int reason, struct flow_meta *m)
{
	update_metrics(ctx->len, (__u8)-reason, m->dir);
	emit_drop(ctx, reason, m);
	return CTX_ACT_DROP;
}

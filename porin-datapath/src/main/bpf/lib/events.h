/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"
#include "config.h"

/*
 * Datapath events for the agent: drops, traces (where a packet went) and
 * policy verdicts, each with the first bytes of the packet. They go into
 * one ring buffer, written in place, and the reader is woken only when a
 * good batch has piled up (it also polls on a timer): waking it for every
 * record would cost more than the rest of the datapath together. A full ring
 * never blocks or slows forwarding; the record is dropped and counted.
 *
 * Layouts follow Cilium's monitor messages (type, subtype, source, hash, ...)
 * with Porin's additions, e.g. the policy cookie that names the rules.
 * dev.porin.datapath.events decodes them; a test checks the layouts.
 */

#define EVENT_DROP		1
#define EVENT_TRACE		4
#define EVENT_POLICY_VERDICT	5

#define EVENT_PAYLOAD_LEN	128

/* Trace observation points, numbered as Cilium's. */
#define TRACE_TO_ENDPOINT	0
#define TRACE_TO_STACK		3
#define TRACE_FROM_ENDPOINT	5

/* Event modes for trace events (CONFIG.trace_mode). */
#define TRACE_MODE_NONE		0
#define TRACE_MODE_CONNECTION	1	/* new, related, SYN/FIN/RST, and every few seconds per connection */
#define TRACE_MODE_ALL		2	/* every packet */

/* Flags of drop and policy verdict events. */
#define EVENT_F_INGRESS		1
#define EVENT_F_EGRESS		2
#define VERDICT_F_MATCH_SHIFT	3
#define VERDICT_F_AUDITED	(1 << 6)

/* Must match dev.porin.datapath.events.EventHeader */
struct event_hdr {
	__u8	type;
	__u8	subtype;	/* drop: reason; trace: observation point */
	__u16	source;		/* endpoint ID the event is about */
	__u32	hash;		/* flow hash: equal for every packet of a flow */
};

/* Must match dev.porin.datapath.events.DropNotify */
struct drop_notify {
	struct event_hdr hdr;
	__u32	orig_len;
	__u16	cap_len;
	__u16	version;
	__u32	src_label;
	__u32	dst_label;
	__u32	dst_id;		/* destination endpoint ID, 0 if none */
	__u16	line;
	__u8	file;
	__s8	ext_error;
	__u32	ifindex;
	__u8	flags;		/* EVENT_F_INGRESS, EVENT_F_EGRESS */
	__u8	pad[3];
	__u32	cookie;		/* policy drops: the deny rules, or 0 for default deny */
	__u32	pad2;
	__u64	ktime;		/* CLOCK_MONOTONIC, ns */
	__u8	data[EVENT_PAYLOAD_LEN];
};

/* Must match dev.porin.datapath.events.TraceNotify */
struct trace_notify {
	struct event_hdr hdr;
	__u32	orig_len;
	__u16	cap_len;
	__u16	version;
	__u32	src_label;
	__u32	dst_label;
	__u16	dst_id;
	__u8	reason;		/* conntrack state: CT_NEW ... */
	__u8	flags;
	__u32	ifindex;
	__u8	orig_ip[16];
	__u64	ktime;
	__u8	data[EVENT_PAYLOAD_LEN];
};

/* Must match dev.porin.datapath.events.PolicyVerdictNotify */
struct policy_verdict_notify {
	struct event_hdr hdr;
	__u32	orig_len;
	__u16	cap_len;
	__u8	version;
	__u8	ext_version;
	__u32	remote_label;
	__s32	verdict;	/* 0 allowed, -reason denied */
	__u16	dst_port;
	__u8	proto;
	__u8	flags;		/* direction, match type << 3, VERDICT_F_AUDITED */
	__u8	auth_type;
	__u8	pad[3];
	__u32	cookie;
	__u32	pad2;
	__u64	ktime;
	__u8	data[EVENT_PAYLOAD_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_events SEC(".maps");

/* Records the ring had no room for. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_events_lost SEC(".maps");

/*
 * Who a packet is from and to, as far as the program knows: what every event
 * carries. The time and flow hash are read for the packet's first event and
 * shared by the others (a new connection reports up to three).
 */
struct flow_meta {
	__u32	src_label;
	__u32	dst_label;
	__u16	ep_id;		/* the endpoint whose program runs */
	__u16	dst_id;		/* the destination endpoint, if local */
	__u32	cookie;
	__u8	dir;		/* DIR_INGRESS, DIR_EGRESS */
	__u8	pad[3];
	__u32	hash;
	__u64	ktime;		/* 0 until the first event */
};

static __always_inline void *
event_reserve(__u32 size)
{
	void *e = bpf_ringbuf_reserve(&porin_events, size, 0);

	if (!e) {
		__u32 zero = 0;
		__u64 *lost = bpf_map_lookup_elem(&porin_events_lost, &zero);

		if (lost)
			*lost += 1;
	}
	return e;
}

/* Wake the reader only once enough has piled up; it polls on a timer as well. */
static __always_inline void
event_submit(void *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_query(&porin_events, BPF_RB_AVAIL_DATA) >= CONFIG.events_wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

static __always_inline __u16
event_capture(struct __sk_buff *ctx, __u8 *data)
{
	__u32 cap = ctx->len;

	if (cap > EVENT_PAYLOAD_LEN)
		cap = EVENT_PAYLOAD_LEN;
	if (cap == 0 || bpf_skb_load_bytes(ctx, 0, data, cap) < 0)
		return 0;
	return cap;
}

static __always_inline void
event_header(struct __sk_buff *ctx, struct event_hdr *h, __u8 type, __u8 subtype, __u16 source,
	     struct flow_meta *m)
{
	if (!m->ktime) {
		m->ktime = bpf_ktime_get_ns();
		m->hash = bpf_get_hash_recalc(ctx);
	}
	h->type = type;
	h->subtype = subtype;
	h->source = source;
	h->hash = m->hash;
}

static __always_inline void
emit_drop(struct __sk_buff *ctx, int reason, struct flow_meta *m)
{
	struct drop_notify *e;

	if (!CONFIG.drop_events)
		return;
	e = event_reserve(sizeof(*e));
	if (!e)
		return;
	event_header(ctx, &e->hdr, EVENT_DROP, (__u8)-reason, m->ep_id, m);
	e->orig_len = ctx->len;
	e->version = 1;
	e->src_label = m->src_label;
	e->dst_label = m->dst_label;
	e->dst_id = m->dst_id;
	e->line = 0;
	e->file = 0;
	e->ext_error = 0;
	e->ifindex = ctx->ifindex;
	e->flags = m->dir == DIR_INGRESS ? EVENT_F_INGRESS : EVENT_F_EGRESS;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	e->cookie = m->cookie;
	e->pad2 = 0;
	e->ktime = m->ktime;
	e->cap_len = event_capture(ctx, e->data);
	event_submit(e);
}

/*
 * A trace is reported by the endpoint it is about: the destination for
 * to-endpoint, the sender otherwise. Flow direction is derived from that,
 * as in Cilium: a request seen at its destination is ingress.
 */
static __always_inline void
emit_trace(struct __sk_buff *ctx, __u8 point, __u8 reason, struct flow_meta *m)
{
	struct trace_notify *e;
	__u16 source = point == TRACE_TO_ENDPOINT && m->dst_id ? m->dst_id : m->ep_id;

	e = event_reserve(sizeof(*e));
	if (!e)
		return;
	event_header(ctx, &e->hdr, EVENT_TRACE, point, source, m);
	e->orig_len = ctx->len;
	e->version = 1;
	e->src_label = m->src_label;
	e->dst_label = m->dst_label;
	e->dst_id = m->dst_id;
	e->reason = reason;
	e->flags = 0;
	e->ifindex = ctx->ifindex;
	__builtin_memset(e->orig_ip, 0, sizeof(e->orig_ip));
	e->ktime = m->ktime;
	e->cap_len = event_capture(ctx, e->data);
	event_submit(e);
}

static __always_inline void
emit_policy_verdict(struct __sk_buff *ctx, __u16 ep_id, __u32 remote, int verdict, __u8 dir,
		    __u8 proto, __be16 dport, __u8 match_type, __u8 audited, __u32 cookie, struct flow_meta *m)
{
	struct policy_verdict_notify *e;

	if (!CONFIG.policy_verdicts)
		return;
	e = event_reserve(sizeof(*e));
	if (!e)
		return;
	event_header(ctx, &e->hdr, EVENT_POLICY_VERDICT, 0, ep_id, m);
	e->orig_len = ctx->len;
	e->version = 1;
	e->ext_version = 0;
	e->remote_label = remote;
	e->verdict = verdict;
	e->dst_port = bpf_ntohs(dport);
	e->proto = proto;
	e->flags = (dir == DIR_INGRESS ? EVENT_F_INGRESS : EVENT_F_EGRESS) |
		   (match_type << VERDICT_F_MATCH_SHIFT) | (audited ? VERDICT_F_AUDITED : 0);
	e->auth_type = 0;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	e->cookie = cookie;
	e->pad2 = 0;
	e->ktime = m->ktime;
	e->cap_len = event_capture(ctx, e->data);
	event_submit(e);
}

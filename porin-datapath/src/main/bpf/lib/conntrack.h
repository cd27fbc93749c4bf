/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"
#include "config.h"
#include "drop.h"
#include "ipv4.h"

/* Connection states, numbered as Cilium numbers them. */
#define CT_NEW		0
#define CT_ESTABLISHED	1
#define CT_REPLY	2
#define CT_RELATED	3

#define CT_F_TX_CLOSING		(1 << 0)	/* originator sent FIN or RST */
#define CT_F_RX_CLOSING		(1 << 1)	/* responder sent FIN or RST */
#define CT_F_SEEN_NON_SYN	(1 << 2)	/* handshake is over */

/*
 * A connection, keyed by its original direction: the first packet's
 * addresses and ports. A reply matches the same entry with both swapped.
 * ICMP echo keys carry the echo identifier in both ports, so that the
 * swap is symmetric.
 * Must match dev.porin.datapath.maps.CtMap.Key
 */
struct ct4_key {
	__be32	saddr;
	__be32	daddr;
	__be16	sport;
	__be16	dport;
	__u8	proto;
	__u8	pad[3];
};

/* Must match dev.porin.datapath.maps.CtMap.Entry */
struct ct_entry {
	__u64	tx_packets;	/* original direction */
	__u64	tx_bytes;
	__u64	rx_packets;	/* reply direction */
	__u64	rx_bytes;
	__u32	lifetime;	/* expires at this mono_now() second */
	__u16	flags;		/* CT_F_* */
	__u8	tx_flags_seen;	/* TCP flags seen from the originator */
	__u8	rx_flags_seen;	/* TCP flags seen from the responder */
	__u32	src_sec_id;	/* identity of the originator */
	__u32	policy_rev;	/* policy revision the connection was last allowed under */
	__u32	last_tx_report;	/* mono_now() of the last trace event, original direction */
	__u32	last_rx_report;	/* same, reply direction */
};

/*
 * One table for every connection the node's pods take part in. LRU, so
 * a full table evicts the oldest connection instead of refusing new ones;
 * the agent also deletes expired entries.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ct4_key);
	__type(value, struct ct_entry);
	__uint(max_entries, 262144);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} porin_ct4 SEC(".maps");

static __always_inline void
ct4_key_from_pkt(struct ct4_key *key, const struct pkt4 *pkt)
{
	key->saddr = pkt->saddr;
	key->daddr = pkt->daddr;
	key->sport = pkt->sport;
	key->dport = pkt->dport;
	key->proto = pkt->proto;
}

static __always_inline void
ct4_key_reverse(struct ct4_key *rev, const struct ct4_key *key)
{
	rev->saddr = key->daddr;
	rev->daddr = key->saddr;
	rev->sport = key->dport;
	rev->dport = key->sport;
	rev->proto = key->proto;
}

/*
 * Advance the lifetime of a TCP connection. FIN marks one direction as
 * closing and RST both; once both are closing the entry lives only for
 * the close timeout. A connection whose handshake never completed keeps
 * the short SYN lifetime.
 */
static __always_inline void
ct_update_tcp(struct ct_entry *entry, __u8 tcp_flags, bool reply, __u32 now)
{
	__u16 flags = entry->flags;

	if (tcp_flags & TCP_FLAG_RST)
		flags |= CT_F_TX_CLOSING | CT_F_RX_CLOSING;
	else if (tcp_flags & TCP_FLAG_FIN)
		flags |= reply ? CT_F_RX_CLOSING : CT_F_TX_CLOSING;
	if (!(tcp_flags & TCP_FLAG_SYN))
		flags |= CT_F_SEEN_NON_SYN;

	if ((flags & (CT_F_TX_CLOSING | CT_F_RX_CLOSING)) == (CT_F_TX_CLOSING | CT_F_RX_CLOSING))
		entry->lifetime = now + CONFIG.ct_lifetime_tcp_close;
	else if (flags & CT_F_SEEN_NON_SYN)
		entry->lifetime = now + CONFIG.ct_lifetime_tcp;
	else
		entry->lifetime = now + CONFIG.ct_lifetime_tcp_syn;
	if (flags != entry->flags)
		entry->flags = flags;
}

static __always_inline void
ct_account(struct ct_entry *entry, const struct pkt4 *pkt, bool reply, __u32 bytes, __u32 now)
{
	if (reply) {
		__sync_fetch_and_add(&entry->rx_packets, 1);
		__sync_fetch_and_add(&entry->rx_bytes, bytes);
		entry->rx_flags_seen |= pkt->tcp_flags;
	} else {
		__sync_fetch_and_add(&entry->tx_packets, 1);
		__sync_fetch_and_add(&entry->tx_bytes, bytes);
		entry->tx_flags_seen |= pkt->tcp_flags;
	}
	if (pkt->proto == IPPROTO_TCP)
		ct_update_tcp(entry, pkt->tcp_flags, reply, now);
	else
		entry->lifetime = now + CONFIG.ct_lifetime_any;
}

/* A SYN on a connection that is closing starts a new one on the same ports. */
static __always_inline bool
ct_is_reopen(const struct ct_entry *entry, const struct pkt4 *pkt)
{
	return pkt->proto == IPPROTO_TCP &&
	       (pkt->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN &&
	       (entry->flags & (CT_F_TX_CLOSING | CT_F_RX_CLOSING));
}

/*
 * ICMP errors (unreachable, time exceeded, ...) quote the header of the
 * packet they answer. They are RELATED when that packet belongs to a
 * tracked connection, in either direction.
 */
static __always_inline bool
ct4_icmp_related(struct __sk_buff *ctx, const struct pkt4 *pkt, __u32 now)
{
	struct ct4_key inner = {}, rev = {};
	struct ct_entry *entry;
	struct iphdr ip4;
	__u32 off = pkt->l4_off + sizeof(struct icmphdr);

	if (bpf_skb_load_bytes(ctx, off, &ip4, sizeof(ip4)) < 0)
		return false;
	inner.saddr = ip4.saddr;
	inner.daddr = ip4.daddr;
	inner.proto = ip4.protocol;
	if (ip4.protocol == IPPROTO_TCP || ip4.protocol == IPPROTO_UDP) {
		if (bpf_skb_load_bytes(ctx, off + ip4.ihl * 4, &inner.sport, 4) < 0)
			return false;
	}
	entry = bpf_map_lookup_elem(&porin_ct4, &inner);
	if (entry && entry->lifetime >= now)
		return true;
	ct4_key_reverse(&rev, &inner);
	entry = bpf_map_lookup_elem(&porin_ct4, &rev);
	return entry && entry->lifetime >= now;
}

/*
 * Classify a packet against conntrack and account it on its entry.
 * Returns CT_NEW (no live entry: the caller decides and creates one),
 * CT_ESTABLISHED, CT_REPLY or CT_RELATED.
 */
static __always_inline int
ct4_lookup(struct __sk_buff *ctx, const struct pkt4 *pkt, struct ct4_key *key, __u32 now,
	   struct ct_entry **found)
{
	struct ct4_key rev = {};
	struct ct_entry *entry;

	*found = NULL;
	ct4_key_from_pkt(key, pkt);
	if (pkt->proto == IPPROTO_ICMP && !icmp_is_echo(pkt->icmp_type))
		return ct4_icmp_related(ctx, pkt, now) ? CT_RELATED : CT_NEW;

	entry = bpf_map_lookup_elem(&porin_ct4, key);
	if (entry && entry->lifetime >= now && !ct_is_reopen(entry, pkt)) {
		ct_account(entry, pkt, false, ctx->len, now);
		*found = entry;
		return CT_ESTABLISHED;
	}
	ct4_key_reverse(&rev, key);
	entry = bpf_map_lookup_elem(&porin_ct4, &rev);
	if (entry && entry->lifetime >= now) {
		ct_account(entry, pkt, true, ctx->len, now);
		*found = entry;
		return CT_REPLY;
	}
	return CT_NEW;
}

/*
 * Whether a trace event is due for this packet of a tracked connection:
 * always for the first packet and for SYN, FIN and RST, otherwise once per
 * interval and direction.
 */
static __always_inline bool
ct_trace_due(struct ct_entry *entry, const struct pkt4 *pkt, bool reply, __u32 now)
{
	__u32 *last;

	if (!entry)
		return true;
	if (pkt->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_FIN | TCP_FLAG_RST))
		return true;
	last = reply ? &entry->last_rx_report : &entry->last_tx_report;
	if (now - *last < CONFIG.trace_interval)
		return false;
	*last = now;
	return true;
}

/* Track a new connection; ICMP errors are never tracked on their own. */
static __always_inline int
ct4_create(struct __sk_buff *ctx, const struct pkt4 *pkt, const struct ct4_key *key,
	   __u32 src_sec_id, __u32 policy_rev, __u32 now)
{
	struct ct_entry entry = {
		.tx_packets	= 1,
		.tx_bytes	= ctx->len,
		.src_sec_id	= src_sec_id,
		.policy_rev	= policy_rev,
		.last_tx_report	= now,
	};

	if (pkt->proto == IPPROTO_ICMP && !icmp_is_echo(pkt->icmp_type))
		return 0;
	if (pkt->proto == IPPROTO_TCP) {
		entry.tx_flags_seen = pkt->tcp_flags;
		ct_update_tcp(&entry, pkt->tcp_flags, false, now);
	} else {
		entry.lifetime = now + CONFIG.ct_lifetime_any;
	}
	if (bpf_map_update_elem(&porin_ct4, key, &entry, BPF_ANY) < 0)
		return DROP_CT_CREATE_FAILED;
	return 0;
}

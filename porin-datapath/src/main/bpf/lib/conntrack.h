/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"
#include "config.h"
#include "drop.h"
#include "eps.h"
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
	__u32	tx_ifindex;	/* pod veth the original direction comes in on, 0 if none */
	__u32	rx_ifindex;	/* pod veth replies come in on, 0 if none */
	__u16	tx_ep_id;	/* the endpoint behind tx_ifindex */
	__u16	rx_ep_id;	/* the endpoint behind rx_ifindex */
	__u32	pad;
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
 * Expiry moves forward with traffic, but the entry is written only when the
 * new expiry is a step past the stored one, or before it (closing): an
 * established connection has its lifetime rewritten every few seconds, not
 * on every packet. The step is at most a quarter of the timeout, so that
 * regular traffic keeps a connection with a short timeout alive.
 */
#define CT_REFRESH_STEP		5	/* seconds */

static __always_inline void
ct_refresh(struct ct_entry *entry, __u32 now, __u32 timeout)
{
	__u32 lifetime = now + timeout;
	__u32 step = timeout / 4 < CT_REFRESH_STEP ? timeout / 4 : CT_REFRESH_STEP;

	if (lifetime < entry->lifetime || lifetime - entry->lifetime > step)
		entry->lifetime = lifetime;
}

/*
 * Advance the state of a TCP connection. FIN marks one direction as
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
		ct_refresh(entry, now, CONFIG.ct_lifetime_tcp_close);
	else if (flags & CT_F_SEEN_NON_SYN)
		ct_refresh(entry, now, CONFIG.ct_lifetime_tcp);
	else
		ct_refresh(entry, now, CONFIG.ct_lifetime_tcp_syn);
	if (flags != entry->flags)
		entry->flags = flags;
}

/*
 * Count a packet on its connection. The counters are the one thing written
 * for every packet; atomically, since both directions of a connection may
 * be handled on different CPUs at once.
 */
static __always_inline void
ct_account(struct ct_entry *entry, const struct pkt4 *pkt, bool reply, __u32 bytes, __u32 now)
{
	__u8 *seen = reply ? &entry->rx_flags_seen : &entry->tx_flags_seen;

	if (reply) {
		__sync_fetch_and_add(&entry->rx_packets, 1);
		__sync_fetch_and_add(&entry->rx_bytes, bytes);
	} else {
		__sync_fetch_and_add(&entry->tx_packets, 1);
		__sync_fetch_and_add(&entry->tx_bytes, bytes);
	}
	if ((*seen | pkt->tcp_flags) != *seen)
		*seen |= pkt->tcp_flags;
	if (pkt->proto == IPPROTO_TCP)
		ct_update_tcp(entry, pkt->tcp_flags, reply, now);
	else
		ct_refresh(entry, now, CONFIG.ct_lifetime_any);
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
 * The entry under key, if it is live and, in the original direction, the
 * packet does not reopen it.
 */
static __always_inline struct ct_entry *
ct4_match(const struct ct4_key *key, const struct pkt4 *pkt, bool reply, __u32 now)
{
	struct ct_entry *entry = bpf_map_lookup_elem(&porin_ct4, key);

	if (!entry || entry->lifetime < now)
		return NULL;
	if (!reply && ct_is_reopen(entry, pkt))
		return NULL;
	return entry;
}

/*
 * The live entry of the packet's connection: under the packet's own key in
 * the original direction, under the reversed key for a reply. Of the two,
 * at most one is ever live (an entry is only created while its reverse is
 * not), so the order of the lookups changes how many there are, not what
 * they find.
 * A packet from a lower port to a higher one is most likely a server
 * answering a client's ephemeral port: it tries the reply first. That way
 * established traffic takes one lookup in either direction.
 */
static __always_inline struct ct_entry *
ct4_find(const struct ct4_key *key, const struct pkt4 *pkt, __u32 now, bool *reply)
{
	bool reply_first = bpf_ntohs(key->sport) < bpf_ntohs(key->dport);
	struct ct4_key rev = {};
	struct ct_entry *entry;

	ct4_key_reverse(&rev, key);
	entry = ct4_match(reply_first ? &rev : key, pkt, reply_first, now);
	if (entry) {
		*reply = reply_first;
		return entry;
	}
	entry = ct4_match(reply_first ? key : &rev, pkt, !reply_first, now);
	*reply = !reply_first;
	return entry;
}

/*
 * Classify a packet against conntrack: CT_NEW (no live entry: the caller
 * decides and creates one), CT_ESTABLISHED, CT_REPLY or CT_RELATED. Nothing
 * is written yet: the caller accounts the packet (ct_account) once it has
 * checked where it comes from.
 */
static __always_inline int
ct4_lookup(struct __sk_buff *ctx, const struct pkt4 *pkt, struct ct4_key *key, __u32 now,
	   struct ct_entry **found)
{
	struct ct_entry *entry;
	bool reply;

	*found = NULL;
	ct4_key_from_pkt(key, pkt);
	if (pkt->proto == IPPROTO_ICMP && !icmp_is_echo(pkt->icmp_type))
		return ct4_icmp_related(ctx, pkt, now) ? CT_RELATED : CT_NEW;

	entry = ct4_find(key, pkt, now, &reply);
	if (!entry)
		return CT_NEW;
	*found = entry;
	return reply ? CT_REPLY : CT_ESTABLISHED;
}

/*
 * The local endpoint that sent a packet of a tracked connection, if the
 * entry can vouch for it: the packet came in on the pod veth that this
 * direction of the connection was tracked on, whose endpoint owned the
 * source address then (anti-spoofing checked it, or it was the
 * destination). 0 if the entry cannot tell.
 */
static __always_inline __u16
ct_sender(const struct ct_entry *entry, int state, __u32 ifindex)
{
	if (!entry)
		return 0;
	if (state == CT_ESTABLISHED && entry->tx_ifindex == ifindex)
		return entry->tx_ep_id;
	if (state == CT_REPLY && entry->rx_ifindex == ifindex)
		return entry->rx_ep_id;
	return 0;
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

/*
 * Track a new connection; ICMP errors are never tracked on their own. orig
 * and resp are the local endpoints at either end, NULL for an end that is
 * not a pod on this node.
 */
static __always_inline int
ct4_create(struct __sk_buff *ctx, const struct pkt4 *pkt, const struct ct4_key *key,
	   __u32 src_sec_id, __u32 policy_rev, __u32 now,
	   const struct endpoint_info *orig, const struct endpoint_info *resp)
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
	if (orig) {
		entry.tx_ifindex = orig->ifindex;
		entry.tx_ep_id = orig->lxc_id;
	}
	if (resp) {
		entry.rx_ifindex = resp->ifindex;
		entry.rx_ep_id = resp->lxc_id;
	}
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

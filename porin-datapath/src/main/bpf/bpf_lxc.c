// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Copyright Porin authors */

/*
 * Programs on the host side of every pod's veth. One instance of each is
 * loaded per node and attached to every endpoint; all per-endpoint facts
 * come from maps, so a new pod costs map writes, never a verifier run.
 *
 *   from_container  tc ingress of lxc*: packets the pod sends
 *   to_container    tc egress of lxc*: packets the host stack delivers to the pod
 *
 * Policy is enforced on the first packet of a connection, at the sender's
 * egress and the receiver's ingress, and again on a forward packet of a
 * tracked connection whenever policy changed since it was last allowed, so
 * that removing an allow cuts what it allowed. Replies and related ICMP
 * follow their connection.
 */

#include "lib/common.h"
#include "lib/config.h"
#include "lib/time.h"
#include "lib/events.h"
#include "lib/drop.h"
#include "lib/metrics.h"
#include "lib/eps.h"
#include "lib/ipv4.h"
#include "lib/conntrack.h"
#include "lib/ipcache.h"
#include "lib/node_config.h"
#include "lib/policy.h"
#include "lib/arp.h"

/*
 * Applies one endpoint's policy for one direction. An endpoint that is not
 * default-deny in that direction allows everything and reports nothing. In
 * audit mode a would-be drop is reported and allowed.
 */
static __always_inline int
enforce(struct __sk_buff *ctx, const struct endpoint_info *ep, __u32 remote, __u8 dir,
	const struct pkt4 *pkt, bool report, struct flow_meta *m)
{
	__u16 enforced = dir == DIR_INGRESS ? ENDPOINT_F_POLICY_INGRESS : ENDPOINT_F_POLICY_EGRESS;
	__u16 audit = dir == DIR_INGRESS ? ENDPOINT_F_AUDIT_INGRESS : ENDPOINT_F_AUDIT_EGRESS;
	struct policy_verdict v = {};
	int ret;

	if (!(ep->flags & enforced))
		return 0;
	ret = policy_can_access(ep->lxc_id, remote, dir == DIR_EGRESS, pkt->proto, policy_dport(pkt), &v);
	if (IS_ERR(ret) && (ep->flags & audit)) {
		v.audited = 1;
		if (report)
			emit_policy_verdict(ctx, ep->lxc_id, remote, ret, dir, pkt->proto, policy_dport(pkt),
					    v.match_type, 1, v.cookie, m);
		return 0;
	}
	if (report || IS_ERR(ret))
		emit_policy_verdict(ctx, ep->lxc_id, remote, ret, dir, pkt->proto, policy_dport(pkt),
				    v.match_type, 0, v.cookie, m);
	if (IS_ERR(ret)) {
		m->dir = dir;
		m->cookie = v.cookie;
		m->ep_id = ep->lxc_id;
	}
	return ret;
}

static __always_inline bool
trace_wanted(struct ct_entry *entry, const struct pkt4 *pkt, int state, __u32 now)
{
	if (CONFIG.trace_mode == TRACE_MODE_ALL)
		return true;
	if (CONFIG.trace_mode == TRACE_MODE_NONE)
		return false;
	return state == CT_NEW || state == CT_RELATED || ct_trace_due(entry, pkt, state == CT_REPLY, now);
}

/*
 * Whether a packet must pass policy: the first of a connection, and one of
 * an established connection whenever policy changed since the connection
 * was last allowed. *rev is the revision the check is made under, read
 * before it, so that a change racing with the check is caught by the next
 * packet.
 */
static __always_inline bool
policy_due(const struct ct_entry *entry, int state, __u32 *rev)
{
	*rev = policy_revision();
	if (state == CT_NEW)
		return true;
	return state == CT_ESTABLISHED && entry && entry->policy_rev != *rev;
}

/*
 * Anti-spoofing: the endpoint behind the veth the packet came in on
 * (ifindex), if it owns the packet's source address; NULL if not. Events
 * about the packet name it.
 */
static __always_inline struct endpoint_info *
lookup_sender(__u32 ifindex, const struct pkt4 *pkt, struct flow_meta *m)
{
	struct endpoint_info *src = lookup_ip4_endpoint(pkt->saddr);

	if (!src || src->ifindex != ifindex)
		return NULL;
	m->ep_id = src->lxc_id;
	m->src_label = src->sec_id;
	return src;
}

/*
 * Deliver to a pod on this node: route the packet as the pod's gateway
 * would and hand it straight to the ingress of the pod's interface in its
 * namespace, skipping the host stack and the backlog queue. It is counted
 * once: as the sender's egress and the receiver's ingress at the same time.
 */
static __always_inline int
redirect_to_endpoint(struct __sk_buff *ctx, const struct pkt4 *pkt, const struct endpoint_info *dst)
{
	int ret;

	ret = ipv4_l3_local(ctx, pkt->l3_off, dst->node_mac, dst->mac);
	if (IS_ERR(ret))
		return ret;
	account_rx(dst->lxc_id, ctx->len);
	update_metrics(ctx->len, REASON_FORWARDED, METRICS_LOCAL);
	return bpf_redirect_peer(dst->ifindex, 0);
}

static __always_inline int
ipv4_from_container(struct __sk_buff *ctx, __u32 l3_off, struct flow_meta *m)
{
	struct endpoint_info *src = NULL, *dst;
	struct ct_entry *entry;
	struct ct4_key key = {};
	struct pkt4 pkt = {};
	__u32 ifindex = ctx->ifindex;
	__u32 now, rev, dst_label;
	int ret, state;

	ret = parse_ipv4(ctx, l3_off, &pkt);
	if (IS_ERR(ret))
		return ret;
	now = mono_now();
	state = ct4_lookup(ctx, &pkt, &key, now, &entry);

	/*
	 * The source must be the address of the endpoint behind this veth. The
	 * entry of a tracked connection vouches for a packet that arrives on
	 * the veth its direction was tracked on, which spares established
	 * traffic a lookup; anything else is checked against the endpoint map.
	 * Either way before the packet touches its connection's entry.
	 */
	m->ep_id = ct_sender(entry, state, ifindex);
	if (!m->ep_id) {
		src = lookup_sender(ifindex, &pkt, m);
		if (!src)
			return DROP_INVALID_SIP;
	}
	account_tx(m->ep_id, ctx->len);
	if (entry)
		ct_account(entry, &pkt, state == CT_REPLY, ctx->len, now);

	dst = lookup_ip4_endpoint(pkt.daddr);
	dst_label = dst ? dst->sec_id : lookup_ip4_identity(pkt.daddr);
	m->dst_label = dst_label;
	m->dst_id = dst ? dst->lxc_id : 0;

	if (policy_due(entry, state, &rev)) {
		bool first = state == CT_NEW;

		src = src ?: lookup_sender(ifindex, &pkt, m);
		if (!src)
			return DROP_INVALID_SIP;
		ret = enforce(ctx, src, dst_label, DIR_EGRESS, &pkt, first, m);
		if (IS_ERR(ret))
			return ret;
		if (dst) {
			ret = enforce(ctx, dst, src->sec_id, DIR_INGRESS, &pkt, first, m);
			if (IS_ERR(ret))
				return ret;
		}
		if (first) {
			ret = ct4_create(ctx, &pkt, &key, src->sec_id, rev, now, src, dst);
			if (IS_ERR(ret))
				return ret;
		} else {
			entry->policy_rev = rev;
		}
	}

	if (trace_wanted(entry, &pkt, state, now)) {
		src = src ?: lookup_sender(ifindex, &pkt, m);
		if (!src)
			return DROP_INVALID_SIP;
		emit_trace(ctx, dst ? TRACE_TO_ENDPOINT : TRACE_TO_STACK, state, m);
	}
	if (dst) {
		ret = redirect_to_endpoint(ctx, &pkt, dst);
		/* The drop report names the sender. */
		if (IS_ERR(ret) && !src)
			lookup_sender(ifindex, &pkt, m);
		return ret;
	}
	/* The host, or beyond it: the stack routes it. */
	update_metrics(ctx->len, REASON_FORWARDED, DIR_EGRESS);
	return CTX_ACT_OK;
}

SEC("tc")
int from_container(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flow_meta m = { .dir = DIR_EGRESS };
	int ret;

	if ((void *)(eth + 1) > data_end)
		return send_drop(ctx, DROP_INVALID, &m);

	switch (eth->h_proto) {
	case bpf_htons(ETH_P_IP):
		ret = ipv4_from_container(ctx, sizeof(*eth), &m);
		break;
	case bpf_htons(ETH_P_ARP):
		ret = handle_arp(ctx);
		break;
	default:
		ret = DROP_UNKNOWN_L3;
		break;
	}
	if (IS_ERR(ret))
		return send_drop(ctx, ret, &m);
	return ret;
}

static __always_inline int
ipv4_to_container(struct __sk_buff *ctx, __u32 l3_off, struct flow_meta *m)
{
	struct endpoint_info *dst;
	struct ct_entry *entry;
	struct ct4_key key = {};
	struct pkt4 pkt = {};
	__u32 now, rev, src_label;
	int ret, state;

	ret = parse_ipv4(ctx, l3_off, &pkt);
	if (IS_ERR(ret))
		return ret;

	dst = lookup_ip4_endpoint(pkt.daddr);
	if (!dst || dst->ifindex != ctx->ifindex)
		return CTX_ACT_OK;	/* not addressed to this pod: broadcast and the like */
	src_label = lookup_ip4_identity(pkt.saddr);
	m->ep_id = dst->lxc_id;
	m->dst_id = dst->lxc_id;
	m->src_label = src_label;
	m->dst_label = dst->sec_id;

	now = mono_now();
	state = ct4_lookup(ctx, &pkt, &key, now, &entry);
	if (entry)
		ct_account(entry, &pkt, state == CT_REPLY, ctx->len, now);
	if (policy_due(entry, state, &rev)) {
		ret = enforce(ctx, dst, src_label, DIR_INGRESS, &pkt, state == CT_NEW, m);
		if (IS_ERR(ret))
			return ret;
		if (state == CT_NEW) {
			ret = ct4_create(ctx, &pkt, &key, src_label, rev, now, NULL, dst);
			if (IS_ERR(ret))
				return ret;
		} else {
			entry->policy_rev = rev;
		}
	}
	account_rx(dst->lxc_id, ctx->len);
	update_metrics(ctx->len, REASON_FORWARDED, DIR_INGRESS);
	if (trace_wanted(entry, &pkt, state, now))
		emit_trace(ctx, TRACE_TO_ENDPOINT, state, m);
	return CTX_ACT_OK;
}

SEC("tc")
int to_container(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flow_meta m = { .dir = DIR_INGRESS };
	int ret;

	if ((void *)(eth + 1) > data_end)
		return send_drop(ctx, DROP_INVALID, &m);
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return CTX_ACT_OK;	/* ARP from the host resolving the pod */

	ret = ipv4_to_container(ctx, sizeof(*eth), &m);
	if (IS_ERR(ret))
		return send_drop(ctx, ret, &m);
	return ret;
}

char __license[] SEC("license") = "Dual BSD/GPL";

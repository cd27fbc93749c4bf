/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include "common.h"
#include "drop.h"

#define IP_MF		0x2000
#define IP_OFFSET	0x1FFF

/* TCP flag bits as they sit in byte 13 of the TCP header. */
#define TCP_FLAG_FIN	0x01
#define TCP_FLAG_SYN	0x02
#define TCP_FLAG_RST	0x04
#define TCP_FLAG_ACK	0x10

/* linux/icmp.h drags in libc headers; this is all of it the datapath uses. */
#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

struct icmphdr {
	__u8	type;
	__u8	code;
	__sum16	checksum;
	union {
		struct {
			__be16	id;
			__be16	sequence;
		} echo;
		__be32	gateway;
	} un;
};

/* What the datapath needs to know about one IPv4 packet. */
struct pkt4 {
	__be32	saddr;
	__be32	daddr;
	__be16	sport;		/* ICMP echo: the identifier, in both ports */
	__be16	dport;
	__u8	proto;
	__u8	tcp_flags;
	__u8	icmp_type;
	__u8	pad;
	__u32	l3_off;
	__u32	l4_off;
};

static __always_inline bool
icmp_is_echo(__u8 type)
{
	return type == ICMP_ECHO || type == ICMP_ECHOREPLY;
}

/*
 * The first len bytes of the L4 header: straight from the packet when they
 * are in its linear part, as they are in what a pod's stack sends, or else
 * copied into buf. NULL if the packet is too short.
 */
static __always_inline const void *
l4_header(struct __sk_buff *ctx, __u32 l4_off, void *buf, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + l4_off + len <= data_end)
		return data + l4_off;
	if (bpf_skb_load_bytes(ctx, l4_off, buf, len) < 0)
		return NULL;
	return buf;
}

/*
 * Parse the IPv4 and L4 headers at l3_off. Non-first fragments carry no
 * ports and are refused rather than guessed at.
 */
static __always_inline int
parse_ipv4(struct __sk_buff *ctx, __u32 l3_off, struct pkt4 *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip4 = data + l3_off;
	__u8 buf[sizeof(struct tcphdr)];
	__u32 hdrlen;

	if ((void *)(ip4 + 1) > data_end)
		return DROP_INVALID;
	hdrlen = ip4->ihl * 4;
	if (hdrlen < sizeof(*ip4))
		return DROP_INVALID;
	if (ip4->frag_off & bpf_htons(IP_OFFSET))
		return DROP_FRAG_NOSUPPORT;

	pkt->saddr = ip4->saddr;
	pkt->daddr = ip4->daddr;
	pkt->proto = ip4->protocol;
	pkt->l3_off = l3_off;
	pkt->l4_off = l3_off + hdrlen;

	switch (pkt->proto) {
	case IPPROTO_TCP: {
		/* Up to and including the flags byte. */
		const __u8 *th = l4_header(ctx, pkt->l4_off, buf, 14);

		if (!th)
			return DROP_CT_INVALID_HDR;
		pkt->sport = ((const struct tcphdr *)th)->source;
		pkt->dport = ((const struct tcphdr *)th)->dest;
		pkt->tcp_flags = th[13];
		break;
	}
	case IPPROTO_UDP:
	case IPPROTO_SCTP: {
		/* Both start with the two ports. */
		const struct udphdr *uh = l4_header(ctx, pkt->l4_off, buf, 4);

		if (!uh)
			return DROP_CT_INVALID_HDR;
		pkt->sport = uh->source;
		pkt->dport = uh->dest;
		break;
	}
	case IPPROTO_ICMP: {
		const struct icmphdr *icmp = l4_header(ctx, pkt->l4_off, buf, sizeof(*icmp));

		if (!icmp)
			return DROP_CT_INVALID_HDR;
		pkt->icmp_type = icmp->type;
		if (icmp_is_echo(icmp->type)) {
			pkt->sport = icmp->un.echo.id;
			pkt->dport = icmp->un.echo.id;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

/* The port a policy key matches: the destination port, or the type for ICMP. */
static __always_inline __be16
policy_dport(const struct pkt4 *pkt)
{
	return pkt->proto == IPPROTO_ICMP ? bpf_htons(pkt->icmp_type) : pkt->dport;
}

/*
 * Route a packet to a local pod: decrement the TTL like any router and
 * rewrite the Ethernet header as the pod's gateway would. Written in place
 * (the verifier makes a cloned head private first); the checksum is
 * updated incrementally, as the kernel's ip_decrease_ttl() does: the TTL is
 * the high byte of its 16-bit word, so the sum grows by 0x0100.
 */
static __always_inline int
ipv4_l3_local(struct __sk_buff *ctx, __u32 l3_off, const __u8 *src_mac, const __u8 *dst_mac)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip4 = data + l3_off;
	__u32 check;

	if ((void *)(ip4 + 1) > data_end || (void *)(eth + 1) > data_end)
		return DROP_INVALID;
	if (ip4->ttl <= 1)
		return DROP_TTL_EXCEEDED;
	check = ip4->check;
	check += bpf_htons(0x0100);
	ip4->check = (__sum16)(check + (check >= 0xFFFF));
	ip4->ttl--;

	__builtin_memcpy(eth->h_dest, dst_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, src_mac, ETH_ALEN);
	return 0;
}

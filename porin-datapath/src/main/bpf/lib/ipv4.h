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
 * Parse the IPv4 and L4 headers at l3_off. Non-first fragments carry no
 * ports and are refused rather than guessed at.
 */
static __always_inline int
parse_ipv4(struct __sk_buff *ctx, __u32 l3_off, struct pkt4 *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip4 = data + l3_off;
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
		__u8 hdr[14];

		if (bpf_skb_load_bytes(ctx, pkt->l4_off, hdr, sizeof(hdr)) < 0)
			return DROP_CT_INVALID_HDR;
		__builtin_memcpy(&pkt->sport, &hdr[0], 2);
		__builtin_memcpy(&pkt->dport, &hdr[2], 2);
		pkt->tcp_flags = hdr[13];
		break;
	}
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (bpf_skb_load_bytes(ctx, pkt->l4_off, &pkt->sport, 4) < 0)
			return DROP_CT_INVALID_HDR;
		break;
	case IPPROTO_ICMP: {
		struct icmphdr icmp;

		if (bpf_skb_load_bytes(ctx, pkt->l4_off, &icmp, sizeof(icmp)) < 0)
			return DROP_CT_INVALID_HDR;
		pkt->icmp_type = icmp.type;
		if (icmp_is_echo(icmp.type)) {
			pkt->sport = icmp.un.echo.id;
			pkt->dport = icmp.un.echo.id;
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

/* Decrement the TTL like any router, keeping the header checksum right. */
static __always_inline int
ipv4_dec_ttl(struct __sk_buff *ctx, __u32 l3_off)
{
	__u8 ttl, new_ttl;

	if (bpf_skb_load_bytes(ctx, l3_off + offsetof(struct iphdr, ttl), &ttl, 1) < 0)
		return DROP_INVALID;
	if (ttl <= 1)
		return DROP_TTL_EXCEEDED;
	new_ttl = ttl - 1;
	/* The checksum covers ttl and protocol as one 16-bit word. */
	if (bpf_l3_csum_replace(ctx, l3_off + offsetof(struct iphdr, check),
				bpf_htons(ttl << 8), bpf_htons(new_ttl << 8), 2) < 0)
		return DROP_CSUM_L3;
	if (bpf_skb_store_bytes(ctx, l3_off + offsetof(struct iphdr, ttl), &new_ttl, 1, 0) < 0)
		return DROP_WRITE_ERROR;
	return 0;
}

/* Rewrite the Ethernet addresses for delivery to a local pod. */
static __always_inline int
eth_rewrite(struct __sk_buff *ctx, const __u8 *src, const __u8 *dst)
{
	__u8 macs[12];

	__builtin_memcpy(&macs[0], dst, 6);
	__builtin_memcpy(&macs[6], src, 6);
	if (bpf_skb_store_bytes(ctx, 0, macs, sizeof(macs), 0) < 0)
		return DROP_WRITE_ERROR;
	return 0;
}

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Copyright Porin authors */
#pragma once

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <stddef.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* Programs return negative DROP_* codes for drops (see drop.h). */
#define IS_ERR(x)	(unlikely((x) < 0))

#define CTX_ACT_OK	TC_ACT_OK
#define CTX_ACT_DROP	TC_ACT_SHOT

/* Address families as the maps store them. */
#define ENDPOINT_KEY_IPV4	1
#define ENDPOINT_KEY_IPV6	2

/* Traffic directions, seen from the endpoint. */
#define DIR_INGRESS	1	/* towards the pod */
#define DIR_EGRESS	2	/* leaving the pod */

#define NSEC_PER_SEC	1000000000ULL

/* Ethernet MAC address, copied as one unit. */
union macaddr {
	struct {
		__u32 p1;
		__u16 p2;
	};
	__u8 addr[6];
};

// SPDX-License-Identifier: Apache-2.0
/** Node IPAM: handing out pod addresses from the node's pod CIDR, never the same one to two owners. */
package dev.porin.ipam;

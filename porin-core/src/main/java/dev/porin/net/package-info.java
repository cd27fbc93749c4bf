// SPDX-License-Identifier: Apache-2.0
/** Network value types shared by every layer: IPv4 prefixes and MAC addresses. */
package dev.porin.net;

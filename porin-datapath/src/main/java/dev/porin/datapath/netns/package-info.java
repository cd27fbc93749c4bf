// SPDX-License-Identifier: Apache-2.0
/**
 * Network namespaces: running code inside one (on a dedicated thread, since a namespace belongs to a
 * thread, not to the process), opening one for rtnetlink's IFLA_NET_NS_FD, and the per-namespace
 * {@code /proc/sys/net} settings.
 */
package dev.porin.datapath.netns;

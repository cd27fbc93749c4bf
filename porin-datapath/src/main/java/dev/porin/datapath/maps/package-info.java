// SPDX-License-Identifier: Apache-2.0
/**
 * One Java owner per BPF map. Each owner knows its map's name and the layout of its key and value (as
 * records with a {@link dev.porin.datapath.maps.MapCodec}, next to a comment naming the C struct they
 * must match), and offers the operations the agent needs. Owners work over a {@link
 * dev.porin.datapath.maps.KvMap}: the kernel map in production, an in-memory one in unit tests.
 */
package dev.porin.datapath.maps;

// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

/** A map as an object declares it: what the C definition says its shape is. */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
}

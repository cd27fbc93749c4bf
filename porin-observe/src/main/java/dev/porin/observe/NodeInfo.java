// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.labels.Labels;

/** The node flows are observed on, as Hubble names it: node name, cluster name and node labels. */
public record NodeInfo(String name, String cluster, Labels labels) {
}

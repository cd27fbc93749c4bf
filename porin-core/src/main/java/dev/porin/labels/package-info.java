// SPDX-License-Identifier: Apache-2.0
/**
 * Labels ({@code source:key=value}) and label selectors, with Cilium's matching rules: a selector key
 * without a source matches the key from any source, and {@code cidr:} labels match by prefix containment.
 */
package dev.porin.labels;

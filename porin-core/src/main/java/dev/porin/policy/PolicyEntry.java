// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

/**
 * A policy map value: allow or deny, and the cookie that names the rules behind it (see
 * {@link AttributionTable}).
 */
public record PolicyEntry(boolean deny, int cookie) {
}

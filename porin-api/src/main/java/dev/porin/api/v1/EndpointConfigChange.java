// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

/** {@code porin endpoint config}: options to change; null leaves one as it is. */
public record EndpointConfigChange(Boolean policyAuditMode) {
}

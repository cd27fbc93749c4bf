// SPDX-License-Identifier: Apache-2.0
/**
 * Security identities: the numbers policy is enforced on. Endpoints with the same security-relevant
 * labels share one identity; reserved identities keep Cilium's numbers; CIDR identities stand for the
 * address ranges policies name.
 */
package dev.porin.identity;

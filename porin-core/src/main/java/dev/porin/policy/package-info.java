// SPDX-License-Identifier: Apache-2.0
/**
 * Policy resolution: rules and identities in, per-endpoint policy map entries out. Pure and
 * incremental: a new identity or a changed rule yields only the entries it changes. Every entry carries a
 * cookie naming the rules that produced it, and every endpoint knows which policies made it default-deny,
 * so any verdict can be explained.
 */
package dev.porin.policy;

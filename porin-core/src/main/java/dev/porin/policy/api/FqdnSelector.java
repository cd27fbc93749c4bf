// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/** A DNS name ({@code matchName}) or pattern ({@code matchPattern}); exactly one is set. */
public record FqdnSelector(String matchName, String matchPattern) {
}

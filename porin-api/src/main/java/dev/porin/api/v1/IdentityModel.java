// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;

/** A security identity and its labels ({@code source:key=value}). */
public record IdentityModel(int id, List<String> labels) {
}

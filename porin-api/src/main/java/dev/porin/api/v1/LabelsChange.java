// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;
import java.util.Map;

/** {@code porin endpoint labels}: labels to add (key → value) and keys to delete. */
public record LabelsChange(Map<String, String> add, List<String> delete) {
}

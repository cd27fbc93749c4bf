// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;

/** What {@code porin apply} or {@code porin delete} did to each object, and the policy revision after it. */
public record ApplyResult(List<ObjectResult> objects, long revision) {

    /** {@code action}: created, configured, unchanged, deleted or not found. */
    public record ObjectResult(String kind, String namespace, String name, String action) {
    }
}

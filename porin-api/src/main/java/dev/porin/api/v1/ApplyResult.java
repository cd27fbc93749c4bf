// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;

/**
 * What {@code porin apply} or {@code porin delete} did to each object, the policy revision after it, and
 * where the agent's time went.
 */
public record ApplyResult(List<ObjectResult> objects, long revision, Timing timing) {

    /** {@code action}: created, configured, unchanged, deleted or not found. */
    public record ObjectResult(String kind, String namespace, String name, String action) {
    }

    /**
     * The agent's own time for the request, in microseconds, by stage: parsing the YAML, storing the objects
     * (written to disk, flushed), resolving policy for every endpoint, writing the changes to the kernel's
     * maps, and saving the identities (flushed). {@code entriesChanged}: policy map entries written or
     * deleted, over all endpoints. Time spent waiting for other policy changes is in none of them.
     */
    public record Timing(long parseMicros, long storeMicros, long resolveMicros, long datapathMicros,
                         long saveMicros, int entriesChanged) {
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import tools.jackson.databind.JsonNode;

import java.util.List;

/** The policies in force, as written, and the revision of the policy in the datapath. */
public record PolicyList(List<JsonNode> policies, long revision) {
}

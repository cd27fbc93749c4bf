// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.k8s.ResourceKey;

/** What applying or deleting did to one object. */
public record AppliedObject(ResourceKey key, Action action) {

    /** In kubectl's words. */
    public enum Action {
        CREATED("created"), CONFIGURED("configured"), UNCHANGED("unchanged"), DELETED("deleted"), NOT_FOUND("not found");

        private final String text;

        Action(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}

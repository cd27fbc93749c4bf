// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

/**
 * Told about endpoints as they come and go, and asked what the datapath must know of a new one: the
 * policy layer implements it, so that a pod's identity and policy are in the kernel before its first
 * packet.
 */
public interface EndpointObserver {

    /** The identity and the {@code ENDPOINT_F_*} flags the datapath gets for an endpoint. */
    record DatapathState(int identity, int flags) {
        public static final DatapathState NONE = new DatapathState(0, 0);
    }

    /** Before the endpoint is written to the datapath (on creation and on restore). */
    DatapathState added(Endpoint endpoint);

    /** After the endpoint is gone from the datapath. */
    void removed(Endpoint endpoint);

    /** An observer for nodes without policy: identity 0, nothing enforced. */
    EndpointObserver NONE = new EndpointObserver() {
        @Override
        public DatapathState added(Endpoint endpoint) {
            return DatapathState.NONE;
        }

        @Override
        public void removed(Endpoint endpoint) {
        }
    };
}

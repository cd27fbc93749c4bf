// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

/** An endpoint operation that could not be done; {@link #kind()} says why, for callers that map it to a protocol. */
public final class EndpointException extends RuntimeException {

    public enum Kind {
        /** The pod's network namespace does not exist. */
        NETNS_NOT_FOUND,
        /** The attachment already has an endpoint. */
        ALREADY_EXISTS,
        /** The interface name is taken inside the pod's namespace. */
        INTERFACE_EXISTS,
        /** No pod addresses are left. */
        POOL_EXHAUSTED,
        /** No endpoint IDs are left. */
        IDS_EXHAUSTED,
        /** The kernel refused an operation. */
        KERNEL
    }

    private final Kind kind;

    public EndpointException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EndpointException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

/** The agent refused a request, or could not be reached; the message says which and why. */
public final class AgentException extends RuntimeException {

    private final int status;

    public AgentException(String message) {
        this(message, 0);
    }

    public AgentException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status of the refusal, or 0 if the agent was not reached. */
    public int status() {
        return status;
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

/**
 * No identity number is left. Never silent: the endpoint that needed one gets the {@code init} identity,
 * default deny both ways and only the rules that select {@code reserved:init}; the agent reports it and
 * tries again whenever a number may have been freed.
 */
public final class IdentitySpaceExhaustedException extends RuntimeException {

    public IdentitySpaceExhaustedException(String message) {
        super(message);
    }
}

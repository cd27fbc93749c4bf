// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

/**
 * No identity number is left. Never silent: the endpoint that needed one keeps the {@code init}
 * identity, which policies do not select, and the agent reports it.
 */
public final class IdentitySpaceExhaustedException extends RuntimeException {

    public IdentitySpaceExhaustedException(String message) {
        super(message);
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/**
 * A policy document that cannot be accepted. The message names the document (kind, namespace/name and
 * its position in the file), the field (a path such as {@code spec.ingress[0].toPorts[0].ports[1].port})
 * and the reason.
 */
public final class PolicyValidationException extends RuntimeException {

    private final String document;
    private final String field;
    private final String reason;

    public PolicyValidationException(String document, String field, String reason) {
        super(document + ": " + field + ": " + reason);
        this.document = document;
        this.field = field;
        this.reason = reason;
    }

    public String document() {
        return document;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}

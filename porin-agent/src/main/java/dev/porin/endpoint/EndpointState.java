// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle states, named as cilium names them. */
public enum EndpointState {
    RESTORING("restoring"),
    READY("ready"),
    DISCONNECTING("disconnecting");

    private final String wireName;

    EndpointState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}

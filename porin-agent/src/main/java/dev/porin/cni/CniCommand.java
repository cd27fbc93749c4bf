// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

/** The operations a runtime asks of a CNI plugin ({@code CNI_COMMAND}). */
public enum CniCommand {
    ADD, DEL, CHECK, STATUS, GC, VERSION;

    static CniCommand parse(String value) {
        for (CniCommand c : values()) {
            if (c.name().equals(value)) {
                return c;
            }
        }
        throw CniException.invalidEnvironment("CNI_COMMAND", "'" + value + "' is not one of ADD, DEL, CHECK, STATUS, GC, VERSION");
    }
}

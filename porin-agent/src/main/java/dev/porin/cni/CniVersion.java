// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import java.util.List;

/** The CNI spec versions Porin speaks, and what changed between them that Porin's answers depend on. */
public final class CniVersion {

    public static final String LATEST = "1.1.0";
    public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

    private CniVersion() {
    }

    public static boolean isSupported(String version) {
        return SUPPORTED.contains(version);
    }

    /** CHECK exists from 0.4.0 on. */
    public static boolean hasCheck(String version) {
        return SUPPORTED.indexOf(version) >= SUPPORTED.indexOf("0.4.0");
    }

    /** STATUS and GC exist from 1.1.0 on. */
    public static boolean hasStatusAndGc(String version) {
        return SUPPORTED.indexOf(version) >= SUPPORTED.indexOf("1.1.0");
    }

    /** Results before 1.0.0 carry a {@code version} in each IP entry. */
    public static boolean ipsCarryVersion(String version) {
        return version.startsWith("0.");
    }

    /** Interfaces carry their MTU from 1.1.0 on. */
    public static boolean interfacesCarryMtu(String version) {
        return hasStatusAndGc(version);
    }
}

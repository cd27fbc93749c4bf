// SPDX-License-Identifier: Apache-2.0
package dev.porin.api;

/** Porin's version, as the build stamped it into the jar manifest. */
public final class Version {

    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}

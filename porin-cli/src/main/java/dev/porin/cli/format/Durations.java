// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.format;

/** {@code 3h12m5s}, as Go prints durations and cilium users read them. */
public final class Durations {

    private Durations() {
    }

    public static String format(long seconds) {
        if (seconds < 0) {
            return "-" + format(-seconds);
        }
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            b.append(m).append('m');
        }
        return b.append(s).append('s').toString();
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.regex.Pattern;

/**
 * Kubernetes' syntax rules for object names, label keys and values, and port names. Each predicate comes
 * with a sentence that explains the rule, for error messages.
 */
public final class K8sSyntax {

    public static final String DNS_LABEL_RULE = "must be a DNS label: at most 63 characters, lower-case letters, "
            + "digits and '-', starting and ending with a letter or digit";
    public static final String DNS_SUBDOMAIN_RULE = "must be a DNS subdomain: at most 253 characters, lower-case "
            + "letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit";
    public static final String LABEL_KEY_RULE = "must be a label key: an optional DNS subdomain prefix and '/', then "
            + "a name of at most 63 characters (letters, digits, '-', '_' or '.', starting and ending with a letter "
            + "or digit)";
    public static final String LABEL_VALUE_RULE = "must be a label value: empty, or at most 63 characters (letters, "
            + "digits, '-', '_' or '.', starting and ending with a letter or digit)";
    public static final String PORT_NAME_RULE = "must be a port name: at most 15 lower-case letters, digits and "
            + "'-', with at least one letter, not starting or ending with '-' and without '--'";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern PORT_NAME = Pattern.compile("[-a-z0-9]+");
    private static final Pattern SERVICE_NAME = Pattern.compile("([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*");

    private K8sSyntax() {
    }

    public static boolean isDnsLabel(String s) {
        return s.length() <= 63 && DNS_LABEL.matcher(s).matches();
    }

    public static boolean isDnsSubdomain(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (String part : s.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(part).matches()) {
                return false;
            }
        }
        return true;
    }

    /** A label key ({@code app}, {@code app.kubernetes.io/name}), without a Cilium source prefix. */
    public static boolean isLabelKey(String s) {
        int slash = s.lastIndexOf('/');
        if (slash >= 0 && !isDnsSubdomain(s.substring(0, slash))) {
            return false;
        }
        String name = s.substring(slash + 1);
        return name.length() <= 63 && NAME_PART.matcher(name).matches();
    }

    public static boolean isLabelValue(String s) {
        return s.isEmpty() || (s.length() <= 63 && NAME_PART.matcher(s).matches());
    }

    /** A Kubernetes port name (IANA service name syntax, lower case), as containers and NetworkPolicies use. */
    public static boolean isPortName(String s) {
        return s.length() <= 15 && PORT_NAME.matcher(s).matches() && s.chars().anyMatch(Character::isLetter)
                && !s.startsWith("-") && !s.endsWith("-") && !s.contains("--");
    }

    /** An IANA service name in either case, as Cilium accepts it for named ports (it then lower-cases it). */
    public static boolean isServiceName(String s) {
        return !s.isEmpty() && s.length() <= 15 && SERVICE_NAME.matcher(s).matches();
    }
}

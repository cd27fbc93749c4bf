// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

/**
 * A CNI error: the code, short message and details of the spec's error object. Codes below 100 are the
 * spec's; 100 and up are Porin's own.
 */
public final class CniException extends RuntimeException {

    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int CONTAINER_UNKNOWN = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int NOT_AVAILABLE = 50;
    /** Porin: no pod address is free. */
    public static final int POOL_EXHAUSTED = 100;
    /** Porin: the interface name is already taken in the container. */
    public static final int INTERFACE_EXISTS = 101;
    /** Porin: the kernel refused to plumb the pod. */
    public static final int PLUMBING_FAILED = 102;
    /** Porin: CHECK found the container's networking not as ADD left it. */
    public static final int CHECK_FAILED = 103;

    private final int code;
    private final String details;

    public CniException(int code, String msg, String details) {
        super(msg);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public static CniException invalidEnvironment(String variable, String problem) {
        return new CniException(INVALID_ENVIRONMENT, variable + ": " + problem, "");
    }

    public static CniException invalidConfig(String field, String problem) {
        return new CniException(INVALID_CONFIG, "invalid network configuration: " + field + ": " + problem, "");
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }
}

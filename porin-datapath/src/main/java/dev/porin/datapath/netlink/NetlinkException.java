// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.datapath.sys.NativeException;

/**
 * A netlink request the kernel refused, named after the request and its subject, with the kernel's
 * extended-ack text when it gave one:
 * {@code RTM_NEWROUTE 10.250.1.0/24 via 10.250.0.1 dev 7 failed: -22 EINVAL (Invalid argument): Nexthop has invalid gateway}.
 */
public final class NetlinkException extends NativeException {

    private final String detail;

    NetlinkException(String operation, int errno, String detail) {
        super(operation, errno);
        this.detail = detail;
    }

    /** What the kernel said beyond the errno (NLMSGERR_ATTR_MSG), or an empty string. */
    public String detail() {
        return detail;
    }

    @Override
    public String getMessage() {
        return detail.isEmpty() ? super.getMessage() : super.getMessage() + ": " + detail;
    }
}

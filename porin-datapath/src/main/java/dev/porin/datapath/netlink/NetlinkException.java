// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.datapath.sys.NativeException;

/**
 * A netlink request the kernel refused, named after the request and its subject, with the kernel's
 * extended-ack text when it gave one:
 *
 * <pre>{@code
 * RTM_NEWLINK veth lxc1a2b3c peer eth0 failed: -17 EEXIST (File exists)
 * RTM_NEWROUTE 10.250.8.0/24 via 10.250.7.9 dev 2 failed: -101 ENETUNREACH (Network is unreachable): Nexthop has invalid gateway
 * }</pre>
 */
public final class NetlinkException extends NativeException {

    private final String detail;

    NetlinkException(String operation, int errno, String detail) {
        super(operation, errno);
        this.detail = detail;
    }

    /**
     * What is known beyond the errno, usually the kernel's extended-ack text (NLMSGERR_ATTR_MSG); an empty
     * string if nothing is.
     */
    public String detail() {
        return detail;
    }

    @Override
    public String getMessage() {
        return detail.isEmpty() ? super.getMessage() : super.getMessage() + ": " + detail;
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.sys;

import java.util.Map;

/** Linux errno values with their symbolic names, so that errors read like {@code -17 EEXIST (File exists)}. */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ENOTSUP = 95;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int ECONNREFUSED = 111;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(7, "E2BIG"), Map.entry(8, "ENOEXEC"),
            Map.entry(9, "EBADF"), Map.entry(10, "ECHILD"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"),
            Map.entry(18, "EXDEV"), Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"),
            Map.entry(22, "EINVAL"), Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(25, "ENOTTY"),
            Map.entry(27, "EFBIG"), Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"), Map.entry(32, "EPIPE"),
            Map.entry(34, "ERANGE"), Map.entry(36, "ENAMETOOLONG"), Map.entry(38, "ENOSYS"),
            Map.entry(39, "ENOTEMPTY"), Map.entry(40, "ELOOP"), Map.entry(61, "ENODATA"), Map.entry(62, "ETIME"),
            Map.entry(71, "EPROTO"), Map.entry(74, "EBADMSG"), Map.entry(75, "EOVERFLOW"),
            Map.entry(90, "EMSGSIZE"), Map.entry(92, "ENOPROTOOPT"), Map.entry(93, "EPROTONOSUPPORT"),
            Map.entry(95, "EOPNOTSUPP"), Map.entry(97, "EAFNOSUPPORT"), Map.entry(98, "EADDRINUSE"),
            Map.entry(99, "EADDRNOTAVAIL"), Map.entry(100, "ENETDOWN"), Map.entry(101, "ENETUNREACH"),
            Map.entry(103, "ECONNABORTED"), Map.entry(104, "ECONNRESET"), Map.entry(105, "ENOBUFS"),
            Map.entry(110, "ETIMEDOUT"), Map.entry(111, "ECONNREFUSED"), Map.entry(113, "EHOSTUNREACH"),
            Map.entry(114, "EALREADY"), Map.entry(115, "EINPROGRESS"), Map.entry(524, "ENOTSUPP"));

    private Errno() {
    }

    /** The symbolic name, e.g. {@code EEXIST}, or {@code E<n>} for one this table lacks. */
    public static String name(int errno) {
        int e = Math.abs(errno);
        return NAMES.getOrDefault(e, "E" + e);
    }

    /** {@code -17 EEXIST (File exists)}: the negative number as libbpf reports it, the name and libc's text. */
    public static String describe(int errno) {
        int e = Math.abs(errno);
        return "-" + e + " " + name(e) + " (" + Libc.strerror(e) + ")";
    }
}

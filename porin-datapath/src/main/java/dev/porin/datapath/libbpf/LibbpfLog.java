// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import dev.porin.datapath.sys.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Routes libbpf's own messages into the agent's log instead of stderr. libbpf hands its print callback
 * a format and a {@code va_list}; libc's {@code vsnprintf} formats them.
 */
final class LibbpfLog {

    private static final Logger LOG = LoggerFactory.getLogger("libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    private static final MethodHandle VSNPRINTF = Libc.downcall(Libc.LOOKUP, "vsnprintf",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final int MAX_LINE = 4096;

    static {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = Libc.LINKER.upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MemorySegment previous = (MemorySegment) LibBpf.SET_PRINT.invokeExact(stub);
            assert previous != null;
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    private LibbpfLog() {
    }

    /** Installs the callback; idempotent. */
    static void install() {
        // the static initializer does the work
    }

    private static int print(int level, MemorySegment format, MemorySegment args) {
        boolean wanted = switch (level) {
            case LIBBPF_WARN -> LOG.isWarnEnabled();
            case LIBBPF_INFO -> LOG.isDebugEnabled();
            default -> LOG.isTraceEnabled();
        };
        if (!wanted) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(MAX_LINE);
            int n = (int) VSNPRINTF.invokeExact(buf, (long) MAX_LINE, format, args);
            String line = n < 0 ? "" : buf.getString(0).stripTrailing();
            switch (level) {
                case LIBBPF_WARN -> LOG.warn(line);
                case LIBBPF_INFO -> LOG.debug(line);
                default -> LOG.trace(line);
            }
            return n;
        } catch (Throwable t) {
            return -1;
        }
    }
}

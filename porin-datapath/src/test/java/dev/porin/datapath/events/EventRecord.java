// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A ring-buffer record written member by member, in native byte order, at the offsets its Java layout gives
 * for each member name ({@code "hdr.type"} for a nested one), as the datapath would write it.
 */
final class EventRecord {

    private final StructLayout layout;
    private final MemorySegment segment;

    private EventRecord(StructLayout layout) {
        this.layout = layout;
        this.segment = Arena.ofAuto().allocate(layout);
    }

    static EventRecord of(StructLayout layout, int type) {
        return new EventRecord(layout).set("hdr.type", type);
    }

    EventRecord set(String member, long value) {
        PathElement[] path = Arrays.stream(member.split("\\.")).map(PathElement::groupElement)
                .toArray(PathElement[]::new);
        long at = layout.byteOffset(path);
        MemoryLayout m = layout.select(path);
        switch (m) {
            case ValueLayout.OfByte _ -> segment.set(ValueLayout.JAVA_BYTE, at, (byte) value);
            case ValueLayout.OfShort _ -> segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) value);
            case ValueLayout.OfInt _ -> segment.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) value);
            case ValueLayout.OfLong _ -> segment.set(ValueLayout.JAVA_LONG_UNALIGNED, at, value);
            default -> throw new IllegalArgumentException(member + " is not a scalar: " + m);
        }
        return this;
    }

    /** Copies {@code frame} into {@code data} and sets {@code cap_len} to its length. */
    EventRecord payload(byte[] frame) {
        long at = layout.byteOffset(PathElement.groupElement("data"));
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, at, frame.length);
        return set("cap_len", frame.length);
    }

    /** The whole record. */
    MemorySegment segment() {
        return segment;
    }

    /** The first {@code bytes} of the record, as a short ring-buffer sample would be. */
    MemorySegment truncated(long bytes) {
        return segment.asSlice(0, bytes);
    }

    long offsetOf(String member) {
        return layout.byteOffset(PathElement.groupElement(member));
    }
}

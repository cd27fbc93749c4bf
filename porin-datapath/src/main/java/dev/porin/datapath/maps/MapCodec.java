// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Converts a record to and from the bytes of a C struct. {@link #layout()} names its members exactly as
 * the C struct does, which is what the layout tests compare against the compiler's BTF.
 */
public interface MapCodec<T> {

    /** The C struct this codec mirrors, as BTF names it. */
    String cStruct();

    StructLayout layout();

    void encode(T value, MemorySegment to);

    T decode(MemorySegment from);

    default long size() {
        return layout().byteSize();
    }
}

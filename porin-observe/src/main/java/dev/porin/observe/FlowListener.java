// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

/** Sees every flow as it is made, on the event reader's thread: keep it cheap and never block. */
public interface FlowListener {

    void flow(Flow flow);

    default void lost(LostEvents lost) {
    }
}

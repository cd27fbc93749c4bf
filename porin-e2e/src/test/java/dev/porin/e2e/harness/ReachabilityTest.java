// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.e2e.harness.Reachability.Pod;
import dev.porin.e2e.harness.Reachability.Port;
import dev.porin.e2e.harness.Reachability.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The matrix arithmetic and its truth tables, without any network. */
class ReachabilityTest {

    private static final List<Pod> PODS = List.of(Pod.parse("x/a"), Pod.parse("x/b"), Pod.parse("y/a"));
    private static final List<Port> PORTS = List.of(new Port(80, Protocol.TCP), new Port(81, Protocol.UDP));

    @Test
    void selfPairsAreLeftOut() {
        assertThat(Reachability.cells(PODS, PORTS)).hasSize(3 * 2 * 2)
                .noneMatch(c -> c.from().equals(c.to()));
    }

    @Test
    void theTableMarksEveryMismatch() {
        Reachability expected = Reachability.expect(PODS, PORTS, c -> !c.toNs("x") || c.fromNs("x"));
        Reachability observed = Reachability.expect(PODS, PORTS, c -> !c.to("x/a") || c.is("81/UDP"));

        assertThat(expected.mismatches(observed)).extracting(Reachability.Cell::toString).containsExactly(
                "x/b -> x/a 80/TCP", "y/a -> x/b 80/TCP", "y/a -> x/a 81/UDP", "y/a -> x/b 81/UDP");
        assertThat(expected.table(observed)).isEqualTo("""
                observed reachability (. allowed, X denied, * differs from the expectation): 4 of 12 cells differ

                80/TCP  x/a  x/b  y/a
                x/a     -    .    .
                x/b     X*   -    .
                y/a     X    .*   -

                81/UDP  x/a  x/b  y/a
                x/a     -    .    .
                x/b     .    -    .
                y/a     .*   .*   -

                  x/b -> x/a 80/TCP: expected allowed, observed denied
                  y/a -> x/b 80/TCP: expected denied, observed allowed
                  y/a -> x/a 81/UDP: expected denied, observed allowed
                  y/a -> x/b 81/UDP: expected denied, observed allowed
                """);
    }
}

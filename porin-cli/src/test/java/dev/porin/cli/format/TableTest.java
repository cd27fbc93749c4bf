// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.format;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TableTest {

    @Test
    void padsEachColumnToItsWidestCellAndThreeSpaces() {
        String out = new Table()
                .header("ID", "NAME", "STATE")
                .row(1, "web", "ready")
                .row(1234, "a", "disconnecting")
                .render();

        assertThat(out).isEqualTo("""
                ID     NAME   STATE
                1      web    ready
                1234   a      disconnecting
                """);
    }

    @Test
    void multiLineCellContinuesOnTheFollowingLines() {
        String out = new Table()
                .header("ID", "LABELS", "STATE")
                .row(7, "k8s:app=web\nk8s:io.kubernetes.pod.namespace=default", "ready")
                .row(8, "reserved:init", "ready")
                .render();

        assertThat(out).isEqualTo("""
                ID   LABELS                                    STATE
                7    k8s:app=web                               ready
                     k8s:io.kubernetes.pod.namespace=default
                8    reserved:init                             ready
                """);
    }

    @Test
    void stripsTrailingSpaces() {
        String out = new Table()
                .header("A", "B", "C")
                .row("x", "", "")
                .row("y", "long value", null)
                .render();

        assertThat(out.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
        assertThat(out).isEqualTo("""
                A   B            C
                x
                y   long value
                """);
    }

    @Test
    void shortRowsLeaveTheirLastColumnsBlank() {
        String out = new Table().header("A", "B", "C").row("x").row("y", "z", "w").render();

        assertThat(out).isEqualTo("""
                A   B   C
                x
                y   z   w
                """);
    }

    @Test
    void emptyTableRendersNothing() {
        assertThat(new Table().render()).isEmpty();
    }
}

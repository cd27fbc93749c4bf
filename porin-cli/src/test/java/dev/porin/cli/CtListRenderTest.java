// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.CtEntryModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class CtListRenderTest {

    private static CtEntryModel entry(List<String> flags) {
        return new CtEntryModel("TCP", "10.200.0.2", 40000, "10.200.0.3", 80, 12345, 21, flags,
                5, 500, 4, 400, 0x1b, 0x12, 0);
    }

    @Test
    void printsOneLinePerConnectionAsCiliumDoes() {
        assertThat(BpfCommand.Ct.ListCommand.render(entry(List.of("SeenNonSyn")))).isEqualTo(
                "TCP 10.200.0.2:40000 -> 10.200.0.3:80 expires=12345 (in 21s) RxPackets=4 RxBytes=400 TxPackets=5"
                        + " TxBytes=500 RxFlagsSeen=0x12 TxFlagsSeen=0x1b Flags=[ SeenNonSyn ] SourceSecurityID=0");
    }

    @Test
    void listsEveryFlag() {
        assertThat(BpfCommand.Ct.ListCommand.render(entry(List.of("RxClosing", "TxClosing", "SeenNonSyn"))))
                .contains(" Flags=[ RxClosing TxClosing SeenNonSyn ] ");
    }

    @Test
    void printsAsciiDigitsWhateverTheUsersLocale() {
        Locale saved = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale.setDefault(Locale.Category.FORMAT, Locale.forLanguageTag("ar-EG"));
            assertThat(BpfCommand.Ct.ListCommand.render(entry(List.of())))
                    .startsWith("TCP 10.200.0.2:40000 -> 10.200.0.3:80 expires=12345 (in 21s)");
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, saved);
        }
    }
}

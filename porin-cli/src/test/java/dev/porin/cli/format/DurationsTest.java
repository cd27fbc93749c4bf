// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.format;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "59, 59s",
        "60, 1m0s",
        "61, 1m1s",
        "3599, 59m59s",
        "3600, 1h0m0s",
        "3725, 1h2m5s",
        "90000, 25h0m0s",
        "-5, -5s",
        "-3725, -1h2m5s",
    })
    void printsDurationsAsGoDoes(long seconds, String expected) {
        assertThat(Durations.format(seconds)).isEqualTo(expected);
    }
}

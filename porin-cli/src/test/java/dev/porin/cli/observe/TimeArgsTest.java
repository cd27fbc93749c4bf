// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TimeArgsTest {

    private static final Instant NOW = Instant.parse("2025-03-04T10:20:30Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "3s                              | 2025-03-04T10:20:27Z",
            "4m                              | 2025-03-04T10:16:30Z",
            "1h43m                           | 2025-03-04T08:37:30Z",
            "1.5h                            | 2025-03-04T08:50:30Z",
            "250ms                           | 2025-03-04T10:20:29.750Z",
            "0                               | 2025-03-04T10:20:30Z",
            "2025-01-02T15:04:05Z            | 2025-01-02T15:04:05Z",
            "2025-01-02T15:04:05.123+02:00   | 2025-01-02T13:04:05.123Z",
            "2025-01-02T15:04Z               | 2025-01-02T15:04:00Z",
            "2025-01-02                      | 2025-01-02T00:00:00Z",
            "'Thu, 2 Jan 2025 15:04:05 +0100' | 2025-01-02T14:04:05Z",
            "'Jan  2 15:04:05.250'           | 2025-01-02T15:04:05.250Z"})
    void readsDurationsAgoAndTheTimeFormatsHubbleTakes(String value, String expected) {
        assertThat(TimeArgs.parse("--since", value, NOW)).isEqualTo(Instant.parse(expected));
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times {@code --since} and {@code --until} take, as {@code hubble observe} reads them: a Go duration
 * meaning that long ago ({@code 3s}, {@code 4m}, {@code 1h43m}, {@code 1.5h}), or a time: RFC 3339
 * ({@code 2025-01-02T15:04:05Z}, fractions and minutes-only allowed), a date ({@code 2025-01-02}, UTC), RFC 1123
 * ({@code Thu, 02 Jan 2025 15:04:05 +0000}) or the stamp flows are printed with ({@code Jan  2 15:04:05.000},
 * UTC, this year).
 */
public final class TimeArgs {

    private static final Pattern DURATION = Pattern.compile("[-+]?((\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> UNIT_NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private TimeArgs() {
    }

    /** @throws IllegalArgumentException naming {@code flag} if {@code value} is neither a duration nor a time */
    public static Instant parse(String flag, String value, Instant now) {
        String v = value.strip();
        if (v.equals("0")) {
            return now;
        }
        if (DURATION.matcher(v).matches()) {
            return now.minus(duration(v));
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // not RFC 3339; try the other forms
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            // not a date
        }
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // not RFC 1123
        }
        try {
            DateTimeFormatter stamp = new DateTimeFormatterBuilder().appendPattern("MMM ppd HH:mm:ss.SSS")
                    .parseDefaulting(ChronoField.YEAR, now.atOffset(ZoneOffset.UTC).getYear())
                    .toFormatter(Locale.ROOT);
            return LocalDateTime.parse(v, stamp).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(flag + ": '" + value
                    + "' is neither a duration like 3s, 4m or 1h43m nor a time like 2025-01-02T15:04:05Z");
        }
    }

    private static Duration duration(String v) {
        Matcher m = PART.matcher(v);
        BigDecimal nanos = BigDecimal.ZERO;
        while (m.find()) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(m.group(2)))));
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return v.startsWith("-") ? d.negated() : d;
    }
}

// SPDX-License-Identifier: Apache-2.0
package dev.porin.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.util.List;

/**
 * What one class logs while a test runs, at INFO and above, kept in memory and not printed. Close it to
 * put the logger back as it was.
 */
public final class CapturedLogs implements AutoCloseable {

    private final Logger logger;
    private final Level level;
    private final boolean additive;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs(Class<?> type) {
        logger = (Logger) LoggerFactory.getLogger(type);
        level = logger.getLevel();
        additive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    public static CapturedLogs of(Class<?> type) {
        return new CapturedLogs(type);
    }

    /** The events at {@code level}, oldest first. */
    public List<ILoggingEvent> at(Level level) {
        return List.copyOf(appender.list).stream().filter(e -> e.getLevel().equals(level)).toList();
    }

    /** The value of key-value pair {@code key} of {@code event}, or null. */
    public static Object value(ILoggingEvent event, String key) {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs == null) {
            return null;
        }
        return pairs.stream().filter(p -> p.key.equals(key)).map(p -> p.value).findFirst().orElse(null);
    }

    public void clear() {
        appender.list.clear();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        logger.setAdditive(additive);
    }
}

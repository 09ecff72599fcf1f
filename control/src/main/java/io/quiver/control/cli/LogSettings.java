package io.quiver.control.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Appender;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code run --log-format} and {@code --log-level}: the daemon's log as text or as one JSON object per line (for log
 * shippers), and a level for the whole log or per package. Applied to logback (src/main/resources/logback.xml) before
 * anything else runs.
 */
final class LogSettings {
    private static final String CHRONICLE = "net.openhft";

    private LogSettings() {
    }

    /**
     * Parses {@code LEVEL} or {@code PACKAGE=LEVEL,...} (a bare level is the root's), e.g.
     * {@code info,io.quiver.dataplane=debug,net.openhft=warn}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Map<String, Level> levels(String spec) {
        Map<String, Level> out = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String logger = eq < 0 ? Logger.ROOT_LOGGER_NAME : p.substring(0, eq).strip();
            String level = eq < 0 ? p : p.substring(eq + 1).strip();
            if (logger.isEmpty()) {
                throw new IllegalArgumentException("--log-level: '" + p + "' names no package (PACKAGE=LEVEL)");
            }
            Level l = Level.toLevel(level, null);
            if (l == null || !level.equalsIgnoreCase(l.levelStr)) {
                throw new IllegalArgumentException("--log-level: '" + level + "' is not a level (error, warn, info, debug, trace, off)");
            }
            out.put(logger, l);
        }
        return out;
    }

    /** Applies a format ({@code text} or {@code json}) and levels from {@link #levels}. */
    static void apply(String format, Map<String, Level> levels) {
        if (!format.equals("text") && !format.equals("json")) {
            throw new IllegalArgumentException("--log-format is text or json, not '" + format + "'");
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // Chronicle announces itself at INFO (where its jar was loaded); its warnings show unless asked otherwise.
        // Set here as well as in logback.xml: a classpath with another logback configuration first keeps it quiet too
        context.getLogger(CHRONICLE).setLevel(Level.WARN);
        levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
        if (format.equals("json")) {
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            Appender<ILoggingEvent> stderr = root.getAppender("STDERR");
            if (stderr instanceof ConsoleAppender<ILoggingEvent> console) {
                console.stop();
                JsonEncoder encoder = new JsonEncoder();
                encoder.setContext(context);
                // what a shipper indexes: when, how bad, where from, and the message as a reader sees it
                encoder.setWithFormattedMessage(true);
                encoder.setWithMessage(false);
                encoder.setWithArguments(false);
                encoder.setWithContext(false);
                encoder.setWithSequenceNumber(false);
                encoder.setWithNanoseconds(false);
                encoder.start();
                console.setEncoder(encoder);
                console.start();
            }
        }
    }
}

package io.streamcdn.common;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a role writes its log to standard output ({@code --log-format}): {@link #TEXT}, one line a person reads
 * ({@code logback.xml}'s pattern), or {@link #JSON}, one JSON object per line for a log shipper, written by
 * logback's own {@link JsonEncoder}:
 * <pre>
 * {"timestamp":1795603237178,"level":"INFO","threadName":"vert.x-eventloop-thread-0","loggerName":"io.streamcdn.common.http.AccessLog",
 *  "kvpList": [{"method":"GET"},{"path":"/health"},{"status":"200"},{"bytes":"143"},{"ms":"1"},{"client":"127.0.0.1"},{"protocol":"HTTP/1.1"}],
 *  "formattedMessage":"GET /health 200 143 B 1 ms 127.0.0.1 HTTP/1.1","throwable":null}
 * </pre>
 * Structured fields travel as SLF4J key-value pairs ({@code kvpList}); the text format leaves them out because
 * its message already says the same.
 *
 * <p>Logback reads {@code logback.xml} before the role has parsed its flags, so the format is applied afterwards,
 * once, by the role's command: {@link #applyToConsole()} swaps the encoder of the console appender behind the
 * asynchronous one. The appender, its queue and its thread stay, so no line is lost in the switch.
 */
public enum LogFormat {
    TEXT, JSON;

    private static final String ASYNC_APPENDER = "ASYNC";
    private static final String CONSOLE_APPENDER = "STDOUT";

    /** {@code --log-format text|json}, any letter case. */
    public static LogFormat parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (LogFormat format : values()) {
            if (format.flagValue().equals(value)) {
                return format;
            }
        }
        throw new ConfigException("--log-format '" + text + "' is not a log format; use "
                + Arrays.stream(values()).map(LogFormat::flagValue).collect(Collectors.joining(" or ")));
    }

    /** As the flag spells it: {@code text}, {@code json}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Makes the console log use this format from now on; {@link #TEXT} is what {@code logback.xml} configures, so
     * it leaves everything as it is. A JVM whose SLF4J binding is not logback, or whose logback
     * configuration has no {@code ASYNC} → {@code STDOUT} console appender (someone's own logback.xml), keeps its
     * logging as configured: returns false and says so once.
     */
    public boolean applyToConsole() {
        if (this == TEXT) {
            return true;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            LoggerFactory.getLogger(LogFormat.class).warn("--log-format {} ignored: logging is not done by logback", flagValue());
            return false;
        }
        Appender<ILoggingEvent> async = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(ASYNC_APPENDER);
        Appender<ILoggingEvent> console = async instanceof AsyncAppender a ? a.getAppender(CONSOLE_APPENDER) : null;
        if (!(console instanceof OutputStreamAppender<ILoggingEvent> stream)) {
            LoggerFactory.getLogger(LogFormat.class).warn("--log-format {} ignored: the logback configuration has no "
                    + "{} appender writing to {}", flagValue(), ASYNC_APPENDER, CONSOLE_APPENDER);
            return false;
        }
        stream.setEncoder(jsonEncoder(context));
        return true;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMDC(false);       // the roles put nothing in the MDC
        json.setWithMarkers(false);
        json.setWithArguments(false); // the formatted message and the key-value pairs say it all
        json.setWithMessage(false);   // the raw pattern with {} placeholders
        json.setWithFormattedMessage(true);
        json.start();
        return json;
    }
}

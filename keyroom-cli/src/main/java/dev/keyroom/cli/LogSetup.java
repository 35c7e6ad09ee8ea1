package dev.keyroom.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.keyroom.server.config.LogSettings;
import org.slf4j.LoggerFactory;

/** Applies the {@code log:} section to logback: the root level, and JSON lines or text on standard error. */
final class LogSetup {
    private LogSetup() {}

    static void apply(LogSettings settings) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(settings.level(), Level.INFO));
        if (root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> console) {
            Encoder<ILoggingEvent> encoder;
            if (settings.format().equals("text")) {
                PatternLayoutEncoder text = new PatternLayoutEncoder();
                text.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} %msg %kvp%n");
                encoder = text;
            } else {
                encoder = new FlatJsonEncoder();
            }
            encoder.setContext(ctx);
            encoder.start();
            console.stop();
            console.setEncoder(encoder);
            console.start();
        }
    }
}

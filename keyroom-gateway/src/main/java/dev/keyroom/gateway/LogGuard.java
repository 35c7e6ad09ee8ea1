package dev.keyroom.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps the credentials the gateway injects out of every log line of the process, whoever writes
 * it (GW-1): a line whose message, arguments or exception mention any form of a live credential is
 * withheld, whatever its level and logger. Jetty's own debug output, which prints request lines and
 * headers as they go out, is withheld as a whole: raising its level cannot leak what it would print.
 * Installed when Logback is the logging backend, as it is in the {@code keyroom} command.
 */
final class LogGuard extends TurboFilter {
    private volatile Set<String> forms = Set.of();

    /** The forms of the credentials now held, as {@link Injection} computes them. */
    void guard(Set<String> now) {
        forms = Set.copyOf(now);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null && t == null) {
            return FilterReply.NEUTRAL;
        }
        if (level != null && level.levelInt < Level.INFO_INT && logger.getName().startsWith("org.eclipse.jetty")) {
            return FilterReply.DENY;
        }
        Set<String> held = forms;
        if (held.isEmpty()) {
            return FilterReply.NEUTRAL;
        }
        if (mentions(format, held)) {
            return FilterReply.DENY;
        }
        if (params != null) {
            for (Object p : params) {
                if (p != null && mentions(String.valueOf(p), held)) {
                    return FilterReply.DENY;
                }
            }
        }
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (mentions(e.getMessage(), held)) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean mentions(String text, Set<String> held) {
        if (text == null) {
            return false;
        }
        for (String f : held) {
            if (text.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /** Installs the guard in Logback, if Logback is the backend; returns how to remove it. */
    AutoCloseable install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            start();
            ctx.addTurboFilter(this);
            return () -> ctx.getTurboFilterList().remove(this);
        }
        return () -> {};
    }
}

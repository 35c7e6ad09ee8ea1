package dev.keyroom.server.config;

import java.util.List;
import java.util.Locale;

/**
 * The server's log (the {@code log:} section): {@code level} ({@code error}, {@code warn}, {@code
 * info}: the default, {@code debug}) and {@code format} ({@code json}: one flat JSON object a
 * line, the default; or {@code text} for a person at a terminal). Logs go to standard error.
 */
public record LogSettings(String level, String format) {
    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug");
    private static final List<String> FORMATS = List.of("json", "text");

    static LogSettings from(ConfigFile.Log l, Problems problems) {
        String level = l == null || l.level() == null ? "info" : l.level().toLowerCase(Locale.ROOT);
        String format = l == null || l.format() == null ? "json" : l.format().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            problems.add("log.level must be one of " + String.join(", ", LEVELS));
            level = "info";
        }
        if (!FORMATS.contains(format)) {
            problems.add("log.format must be json or text");
            format = "json";
        }
        return new LogSettings(level, format);
    }
}

package dev.keyroom.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What is wrong with a configuration, collected whole so that {@code keyroom config check} and a
 * refused start report every problem at once, each saying what to change.
 */
final class Problems {
    private final List<String> problems = new ArrayList<>();

    void add(String problem) {
        problems.add(problem);
    }

    /** A whole number setting: {@code value}, or {@code dflt} when absent; a problem unless within {@code min..max}. */
    int within(String name, Integer value, int dflt, int min, int max) {
        return (int) within(name, value == null ? null : value.longValue(), dflt, min, max);
    }

    /** As above, for settings that may exceed an int (byte counts). */
    long within(String name, Long value, long dflt, long min, long max) {
        long v = value == null ? dflt : value;
        if (v < min || v > max) {
            problems.add(name + " must be " + min + " to " + max);
        }
        return v;
    }

    /** Throws when anything was found. */
    void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** A field of a section the file may leave out: null when the section itself is absent. */
    static <S, T> T field(S section, Function<S, T> get) {
        return section == null ? null : get.apply(section);
    }

    static <T> T or(T value, T dflt) {
        return value == null ? dflt : value;
    }
}

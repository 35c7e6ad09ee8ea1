package dev.keyroom.mcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A tool call's arguments, read with the rule each one keeps. The SDK has already checked them
 * against the tool's JSON schema; these checks say the same in words a model can act on, and hold
 * when a schema cannot say it (a number that must be whole, a string that must be hex).
 */
record Arguments(Map<String, Object> raw) {
    Arguments {
        raw = raw == null ? Map.of() : raw;
    }

    /** A required string, not blank. */
    String text(String name) {
        return optionalText(name).orElseThrow(() -> new ToolFailure("the argument '" + name + "' is required"));
    }

    Optional<String> optionalText(String name) {
        Object v = raw.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new ToolFailure("the argument '" + name + "' must be a non-empty string");
        }
        return Optional.of(s);
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when absent. */
    long number(String name, long min, long max, long fallback) {
        return optionalNumber(name, min, max).orElse(fallback);
    }

    Optional<Long> optionalNumber(String name, long min, long max) {
        Object v = raw.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ToolFailure("the argument '" + name + "' must be a whole number");
        }
        long l = n.longValue();
        if (l < min || l > max) {
            throw new ToolFailure("the argument '" + name + "' must be from " + min + " to " + max);
        }
        return Optional.of(l);
    }

    boolean flag(String name, boolean fallback) {
        Object v = raw.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw new ToolFailure("the argument '" + name + "' must be true or false");
        }
        return b;
    }

    /** An object whose every value is a string, in the order given; empty when absent. */
    Map<String, String> strings(String name) {
        Object v = raw.get(name);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ToolFailure("the argument '" + name + "' must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String s)) {
                throw new ToolFailure("the argument '" + name + "' must be an object of strings");
            }
            out.put(k, s);
        }
        return out;
    }
}

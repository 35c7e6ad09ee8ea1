package dev.keyroom.server.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a configuration tree against the file's shape ({@link ConfigFile} and its sections)
 * before it is bound, so that every unknown key and every value of the wrong kind is reported at
 * once, by its YAML name ({@code limits.max_connections}); each bad entry is removed, so that the
 * rest can still be checked.
 */
final class ConfigShape {
    private ConfigShape() {}

    /** The problems of {@code section} read as {@code type}, named under {@code prefix}; bad entries are removed. */
    static List<String> check(ObjectMapper yaml, ObjectNode section, Class<?> type, String prefix) {
        List<String> problems = new ArrayList<>();
        Map<String, RecordComponent> known = new TreeMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            // As the mapper's SNAKE_CASE names them: maxJsonBodyBytes is max_json_body_bytes.
            known.put(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT), c);
        }
        for (String key : new ArrayList<>(section.propertyNames())) {
            String name = prefix + key;
            JsonNode value = section.get(key);
            RecordComponent c = known.get(key);
            if (c == null) {
                problems.add("unknown setting " + name + " ("
                        + (prefix.isEmpty() ? "known" : "known in " + prefix.substring(0, prefix.length() - 1)) + ": "
                        + String.join(", ", known.keySet()) + ")");
                section.remove(key);
            } else if (value.isNull()) {
                section.remove(key);
            } else if (c.getType().isRecord()) {
                if (value instanceof ObjectNode inner) {
                    problems.addAll(check(yaml, inner, c.getType(), name + "."));
                } else {
                    problems.add(name + " must be a section of settings (key: value lines indented under it)");
                    section.remove(key);
                }
            } else {
                JavaType javaType = yaml.getTypeFactory().constructType(c.getGenericType());
                try {
                    yaml.convertValue(value, javaType);
                } catch (JacksonException | IllegalArgumentException e) {
                    problems.add(name + " must be " + kind(c.getType()) + ", not " + shown(value));
                    section.remove(key);
                }
            }
        }
        return problems;
    }

    private static String kind(Class<?> type) {
        if (type == Integer.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type == List.class) {
            return "a list";
        }
        return "text";
    }

    private static String shown(JsonNode value) {
        String s = value.isContainer() ? (value.isArray() ? "a list" : "a section") : "'" + value.asString() + "'";
        return s.length() > 60 ? s.substring(0, 60) + "...'" : s;
    }
}

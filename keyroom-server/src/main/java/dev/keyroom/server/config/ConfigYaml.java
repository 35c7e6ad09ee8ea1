package dev.keyroom.server.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The configuration file's YAML: snake_case keys, unknown keys and duplicate keys refused, absent
 * values left out when a file is written back as a map (so that one file can be laid over another).
 */
final class ConfigYaml {
    private ConfigYaml() {}

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .changeDefaultPropertyInclusion(
                    v -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    /** Reads a YAML configuration file; syntax errors and unknown keys are reported as problems. */
    static ConfigFile read(Path file) throws ConfigException {
        return readAll(file).orThrow();
    }

    /** Parses YAML text; {@code source} names it in messages. */
    static ConfigFile parse(String yaml, String source) throws ConfigException {
        return parseAll(yaml, source).orThrow();
    }

    /**
     * A file as read: its settings that have the right shape, and a problem for each that has not
     * (unknown keys, values of the wrong kind), or for the whole file when it is not YAML.
     */
    record Read(ConfigFile file, List<String> problems) {
        ConfigFile orThrow() throws ConfigException {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return file;
        }
    }

    static Read readAll(Path file) {
        try {
            return parseAll(Files.readString(file), file.toString());
        } catch (IOException e) {
            return new Read(ConfigFile.EMPTY, List.of("cannot read config file " + file + ": " + e.getMessage()));
        }
    }

    static Read parseAll(String yaml, String source) {
        if (yaml.isBlank()) {
            return new Read(ConfigFile.EMPTY, List.of());
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JacksonException e) {
            return new Read(
                    ConfigFile.EMPTY, List.of("config " + source + " is not valid YAML: " + e.getOriginalMessage()));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return new Read(ConfigFile.EMPTY, List.of());
        }
        if (!(tree instanceof ObjectNode root)) {
            return new Read(ConfigFile.EMPTY, List.of("config " + source + " must be key: value lines"));
        }
        List<String> problems = ConfigShape.check(YAML, root, ConfigFile.class, "");
        try {
            return new Read(YAML.treeToValue(root, ConfigFile.class), problems);
        } catch (JacksonException e) {
            List<String> all = new java.util.ArrayList<>(problems);
            all.add("config " + source + " is invalid: " + e.getOriginalMessage());
            return new Read(ConfigFile.EMPTY, all);
        }
    }

    /** The settings a file gives, by key; settings it leaves out are absent. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> settings(ConfigFile file) {
        return YAML.convertValue(file, Map.class);
    }

    /** A file giving exactly {@code settings}. */
    static ConfigFile file(Map<String, ?> settings) {
        return YAML.convertValue(settings, ConfigFile.class);
    }
}

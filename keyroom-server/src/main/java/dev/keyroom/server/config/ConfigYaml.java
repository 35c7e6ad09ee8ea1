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
import tools.jackson.databind.PropertyNamingStrategies;
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
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read config file " + file + ": " + e.getMessage()));
        }
    }

    /** Parses YAML text; {@code source} names it in messages. */
    static ConfigFile parse(String yaml, String source) throws ConfigException {
        if (yaml.isBlank()) {
            return ConfigFile.EMPTY;
        }
        try {
            ConfigFile f = YAML.readValue(yaml, ConfigFile.class);
            return f == null ? ConfigFile.EMPTY : f;
        } catch (JacksonException e) {
            throw new ConfigException(List.of("config " + source + " is invalid: " + e.getOriginalMessage()));
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

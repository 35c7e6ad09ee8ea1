package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.field;
import static dev.keyroom.server.config.Problems.or;

import java.util.List;

/** CORS (the {@code cors:} section): enabled only when origins are listed (TLS-5). */
public record CorsSettings(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders) {
    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    static CorsSettings from(ConfigFile.Cors c, Problems problems) {
        List<String> origins = or(field(c, ConfigFile.Cors::allowedOrigins), List.of());
        for (String o : origins) {
            if (o == null || o.contains("*") || !(o.startsWith("https://") || o.startsWith("http://"))) {
                problems.add(
                        "cors.allowed_origins entries are explicit origins like https://app.example.com (no wildcards)");
            }
        }
        List<String> methods = or(field(c, ConfigFile.Cors::allowedMethods), List.of());
        if (!origins.isEmpty() && methods.isEmpty()) {
            problems.add("cors.allowed_methods must list the methods when cors.allowed_origins is set");
        }
        List<String> headers = or(field(c, ConfigFile.Cors::allowedHeaders), List.of());
        for (String h : headers) {
            if (h == null || h.contains("*")) {
                problems.add("cors.allowed_headers entries are explicit header names (no wildcards)");
            }
        }
        return new CorsSettings(List.copyOf(origins), List.copyOf(methods), List.copyOf(headers));
    }
}

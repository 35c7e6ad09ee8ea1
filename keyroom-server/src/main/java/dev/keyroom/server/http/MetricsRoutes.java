package dev.keyroom.server.http;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;

/** {@code GET /v1/metrics} (admin): every meter as {@code name{tag=value}} to its current value. */
public record MetricsRoutes(MeterRegistry registry) {
    public void register(Router router) {
        router.add("GET", "/v1/metrics", Router.Access.ADMIN, c -> Reply.ok(Map.of("meters", snapshot())));
    }

    public Map<String, Double> snapshot() {
        Map<String, Double> out = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            StringBuilder name = new StringBuilder(m.getId().getName());
            if (!m.getId().getTags().isEmpty()) {
                name.append('{');
                m.getId()
                        .getTags()
                        .forEach(t -> name.append(t.getKey())
                                .append('=')
                                .append(t.getValue())
                                .append(','));
                name.setLength(name.length() - 1);
                name.append('}');
            }
            for (Measurement x : m.measure()) {
                out.put(name.toString(), x.getValue());
                break;
            }
        }
        return out;
    }
}

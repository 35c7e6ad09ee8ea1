package dev.keyroom.cli;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.dto.ErrorDtos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** The node's important metrics for a person (admin), read with the signed {@code GET /v1/metrics}. */
@Command(
        name = "status",
        description = "Show a node's important metrics (admin): data-plane sessions, in-flight bytes, refusals,"
                + " bans, nonces, replication. Prometheus scrapes them all from the metrics listener.")
final class StatusCommand extends ClientCommand {
    /** A line of the status: its label and the meters it shows (summed over their tags). */
    private record Row(String label, String meter) {}

    private static final List<Row> ROWS = List.of(
            new Row("data-plane sessions", "keyroom.bus.sessions"),
            new Row("in-flight body bytes", "keyroom.inflight.bytes"),
            new Row("in-flight capacity bytes", "keyroom.inflight.capacity.bytes"),
            new Row("requests refused by limits", "keyroom.limits.refused"),
            new Row("connections refused", "keyroom.connections.refused"),
            new Row("header timeouts", "keyroom.connections.header_timeouts"),
            new Row("active bans", "keyroom.bans.active"),
            new Row("nonces remembered", "keyroom.nonces.size"),
            new Row("nonces evicted early", "keyroom.nonces.evicted_early"),
            new Row("replication batches pending", "keyroom.replication.pending"),
            new Row("replication alerts", "keyroom.replication.alerts"),
            new Row("audit entries not yet mirrored", "keyroom.audit.mirror.lag"));

    @Override
    Printed run(KeyroomClient c) {
        KeyroomClient.Response r = c.exchange("GET", "/v1/metrics", new byte[0]);
        if (r.status() != 200) {
            ErrorDtos.Error e = Json.mapper().readValue(r.body(), ErrorDtos.Error.class);
            throw new KeyroomApiException(
                    r.status(),
                    ErrorCode.fromWire(e.error().code()),
                    e.error().message(),
                    e.error().requestId());
        }
        JsonNode meters = Json.mapper().readTree(r.body()).get("meters");
        Map<String, Object> shown = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        lines.add("node at " + client.server);
        for (Row row : ROWS) {
            double sum = 0;
            boolean seen = false;
            for (var e : meters.properties()) {
                String name = e.getKey();
                if (name.equals(row.meter()) || name.startsWith(row.meter() + "{")) {
                    sum += e.getValue().asDouble();
                    seen = true;
                }
            }
            if (seen) {
                shown.put(row.meter(), sum);
                lines.add(String.format("%-32s %s", row.label(), (long) sum == sum ? Long.toString((long) sum) : sum));
            }
        }
        return new Printed(Map.of("metrics", shown), String.join("\n", lines));
    }
}

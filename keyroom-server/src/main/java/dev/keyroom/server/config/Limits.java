package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.field;

import java.time.Duration;

/** Every abuse limit (the {@code limits:} section), with its default applied; see {@code docs/operations.md}. */
public record Limits(
        long maxJsonBodyBytes,
        long maxBlobBodyBytes,
        long inflightBudgetBytes,
        int ratePerAddress,
        int burstPerAddress,
        int ratePerIdentity,
        int burstPerIdentity,
        boolean rateLimitLoopback,
        int banAfterRefusals,
        Duration banDuration,
        int maxConnections,
        int maxConnectionsPerAddress,
        Duration idleTimeout,
        Duration headerTimeout,
        int minRequestBytesPerSecond,
        long inflightPerClientBytes,
        Duration bodyTimeout) {

    static Limits from(ConfigFile.Limits l, Problems problems) {
        long json = problems.within(
                "limits.max_json_body_bytes", field(l, ConfigFile.Limits::maxJsonBodyBytes), 1L << 20, 1024, 1L << 20);
        long blob = problems.within(
                "limits.max_blob_body_bytes",
                field(l, ConfigFile.Limits::maxBlobBodyBytes),
                16L << 20,
                1024,
                16L << 20);
        long budget = problems.within(
                "limits.inflight_budget_bytes",
                field(l, ConfigFile.Limits::inflightBudgetBytes),
                128L << 20,
                Math.max(json, blob),
                16L << 30);
        int maxConn = problems.within(
                "limits.max_connections", field(l, ConfigFile.Limits::maxConnections), 10_000, 1, 1_000_000);
        return new Limits(
                json,
                blob,
                budget,
                problems.within("limits.rate_per_address", field(l, ConfigFile.Limits::ratePerAddress), 20, 1, 100_000),
                problems.within(
                        "limits.burst_per_address", field(l, ConfigFile.Limits::burstPerAddress), 40, 1, 1_000_000),
                problems.within(
                        "limits.rate_per_identity", field(l, ConfigFile.Limits::ratePerIdentity), 50, 1, 100_000),
                problems.within(
                        "limits.burst_per_identity", field(l, ConfigFile.Limits::burstPerIdentity), 100, 1, 1_000_000),
                Boolean.TRUE.equals(field(l, ConfigFile.Limits::rateLimitLoopback)),
                problems.within(
                        "limits.ban_after_refusals", field(l, ConfigFile.Limits::banAfterRefusals), 200, 1, 1_000_000),
                Duration.ofSeconds(problems.within(
                        "limits.ban_seconds", field(l, ConfigFile.Limits::banSeconds), 900, 1, 30 * 86400)),
                maxConn,
                problems.within(
                        "limits.max_connections_per_address",
                        field(l, ConfigFile.Limits::maxConnectionsPerAddress),
                        64,
                        1,
                        maxConn),
                Duration.ofSeconds(problems.within(
                        "limits.idle_timeout_seconds", field(l, ConfigFile.Limits::idleTimeoutSeconds), 30, 1, 3600)),
                Duration.ofSeconds(problems.within(
                        "limits.header_timeout_seconds",
                        field(l, ConfigFile.Limits::headerTimeoutSeconds),
                        10,
                        1,
                        600)),
                problems.within(
                        "limits.min_request_bytes_per_second",
                        field(l, ConfigFile.Limits::minRequestBytesPerSecond),
                        1024,
                        0,
                        1 << 30),
                problems.within(
                        "limits.inflight_per_client_bytes",
                        field(l, ConfigFile.Limits::inflightPerClientBytes),
                        Math.min(32L << 20, budget),
                        Math.max(json, blob),
                        budget),
                Duration.ofSeconds(problems.within(
                        "limits.body_timeout_seconds", field(l, ConfigFile.Limits::bodyTimeoutSeconds), 120, 1, 3600)));
    }
}

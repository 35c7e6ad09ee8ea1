package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.field;

import java.time.Duration;

/** The data plane's limits (the {@code bus:} section, DOS-6). */
public record BusSettings(
        int maxSubscriptions,
        int maxSessionsPerIdentity,
        int maxQueuedFrames,
        Duration authTimeout,
        Duration pingInterval,
        Duration idleTimeout) {
    static BusSettings from(ConfigFile.DataPlane dp, Problems problems) {
        int idle = problems.within(
                "bus.idle_timeout_seconds", field(dp, ConfigFile.DataPlane::idleTimeoutSeconds), 60, 2, 3600);
        int ping = problems.within("bus.ping_seconds", field(dp, ConfigFile.DataPlane::pingSeconds), 20, 1, 3600);
        if (ping >= idle) {
            problems.add("bus.ping_seconds (" + ping + ") must be less than bus.idle_timeout_seconds (" + idle
                    + "), or live clients would be closed as idle");
        }
        return new BusSettings(
                problems.within(
                        "bus.max_subscriptions", field(dp, ConfigFile.DataPlane::maxSubscriptions), 64, 1, 10_000),
                problems.within(
                        "bus.max_sessions_per_identity",
                        field(dp, ConfigFile.DataPlane::maxSessionsPerIdentity),
                        8,
                        1,
                        1_000),
                problems.within(
                        "bus.max_queued_frames", field(dp, ConfigFile.DataPlane::maxQueuedFrames), 4096, 16, 1_000_000),
                Duration.ofSeconds(problems.within(
                        "bus.auth_timeout_seconds", field(dp, ConfigFile.DataPlane::authTimeoutSeconds), 10, 1, 300)),
                Duration.ofSeconds(ping),
                Duration.ofSeconds(idle));
    }
}

package dev.keyroom.server.console;

import dev.keyroom.core.identity.Access;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomCensus;
import dev.keyroom.core.rooms.RoomSummary;
import dev.keyroom.protocol.dto.HealthDtos;
import dev.keyroom.server.audit.AuditTrail;
import dev.keyroom.server.http.Reply;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.replication.SiteRole;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /console/api/overview}: the node's posture (auth mode, TLS, store, cluster servers,
 * site role), version and uptime, counts of users, rooms and bans, and the last hour of its charts
 * ({@link MetricHistory}).
 */
record ConsoleOverviewRoutes(
        String version,
        Instant startedAt,
        Supplier<HealthDtos.Posture> posture,
        Supplier<List<String>> clusterServers,
        SiteRole site,
        Users users,
        RoomCensus census,
        BanList bans,
        AuditTrail audit,
        ConsoleSessions sessions,
        MetricHistory history,
        Clock clock) {

    record Site(String role, long epoch, String primary, String lastBatchAt) {}

    record Counts(
            int users,
            int admins,
            int agents,
            int locked,
            int revoked,
            int rooms,
            int rekeyRequired,
            int bans,
            long auditEntries,
            int consoleSessions) {}

    record Series(long intervalSeconds, List<MetricHistory.Point> points) {}

    record Overview(
            String version,
            String startedAt,
            long uptimeSeconds,
            HealthDtos.Posture posture,
            List<String> clusterServers,
            Site site,
            Counts counts,
            Series series) {}

    void register(Router router) {
        router.add("GET", "/console/api/overview", c -> {
            Access.requireAdmin(c.caller());
            List<User> all = users.list();
            List<RoomSummary> rooms = census.summaries();
            Counts counts = new Counts(
                    all.size(),
                    (int) all.stream()
                            .filter(u -> u.role() == Role.ADMIN && u.isActive())
                            .count(),
                    (int) all.stream().filter(u -> u.role() == Role.AGENT).count(),
                    (int) all.stream()
                            .filter(u -> u.status() == UserStatus.LOCKED)
                            .count(),
                    (int) all.stream()
                            .filter(u -> u.status() == UserStatus.REVOKED)
                            .count(),
                    rooms.size(),
                    (int) rooms.stream().filter(r -> r.room().rekeyRequired()).count(),
                    bans.size(),
                    audit.lastSeq(),
                    sessions.open());
            Instant now = clock.now();
            return Reply.ok(new Overview(
                    version,
                    ConsoleRoomRoutes.time(startedAt),
                    Math.max(0, Duration.between(startedAt, now).toSeconds()),
                    posture.get(),
                    clusterServers.get(),
                    new Site(
                            site.kind().wireName(),
                            site.epoch(),
                            site.primary().orElse(null),
                            site.lastBatchAt().map(ConsoleRoomRoutes::time).orElse(null)),
                    counts,
                    new Series(MetricHistory.EVERY.toSeconds(), history.lastHour())));
        });
    }
}

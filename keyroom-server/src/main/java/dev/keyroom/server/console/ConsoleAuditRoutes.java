package dev.keyroom.server.console;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Access;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.Users;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.server.http.Call;
import dev.keyroom.server.http.Reply;
import dev.keyroom.server.http.Router;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code GET /console/api/audit}: a page of the audit log, newest first, filtered by {@code actor}
 * (an endpoint id or its start), {@code action} (the method), {@code outcome} (its start: {@code
 * 401}, {@code 2}, {@code started}), {@code resource} (a part of the path) and time ({@code from},
 * {@code to}: ISO instants); paged with {@code before}, followed live with {@code after}; with the
 * verdict on the hash chain of what was read, and the names of the actors shown.
 */
record ConsoleAuditRoutes(AuditBrowser browser, Users users) {
    record AuditPage(
            List<AuditChain.Entry> entries,
            long last,
            Long nextBefore,
            AuditBrowser.Chain chain,
            Map<String, String> names) {}

    void register(Router router) {
        router.add("GET", "/console/api/audit", c -> {
            Access.requireAdmin(c.caller());
            AuditBrowser.Filter f = filter(c);
            Optional<Long> after = c.longQuery("after");
            long limit = c.longQuery("limit").orElse(50L);
            if (limit < 1 || limit > AuditBrowser.MAX_LIMIT) {
                throw KeyroomException.badRequest("limit must be 1 to " + AuditBrowser.MAX_LIMIT);
            }
            AuditBrowser.Page p = after.isPresent()
                    ? browser.after(f, after.get())
                    : browser.before(f, c.longQuery("before").orElse(0L), (int) limit);
            Map<String, String> names = new TreeMap<>();
            for (AuditChain.Entry e : p.entries()) {
                if (EndpointId.isWellFormed(e.actor()) && !names.containsKey(e.actor())) {
                    users.find(new EndpointId(e.actor())).map(User::name).ifPresent(n -> names.put(e.actor(), n));
                }
            }
            return Reply.ok(new AuditPage(p.entries(), p.last(), p.nextBefore(), p.chain(), names));
        });
    }

    private static AuditBrowser.Filter filter(Call c) {
        return new AuditBrowser.Filter(
                text(c, "actor"),
                text(c, "action"),
                text(c, "outcome"),
                text(c, "resource"),
                instant(c, "from"),
                instant(c, "to"));
    }

    private static Optional<String> text(Call c, String name) {
        String v = c.query().get(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        if (v.length() > 256) {
            throw KeyroomException.badRequest(name + " is at most 256 characters");
        }
        return Optional.of(v.strip());
    }

    private static Optional<Instant> instant(Call c, String name) {
        return text(c, name).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw KeyroomException.badRequest(name + " must be an ISO instant such as 2026-01-01T12:00:00Z");
            }
        });
    }
}

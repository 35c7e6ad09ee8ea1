package dev.keyroom.server.http;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.server.audit.AuditTrail;

/** {@code GET /v1/audit?after=SEQ&limit=N} (admin): the hash-chained audit entries in order. */
public record AuditRoutes(AuditTrail audit) {
    public static final int MAX_LIMIT = 1000;

    public void register(Router router) {
        router.add("GET", "/v1/audit", Router.Access.ADMIN, c -> {
            long after = c.longQuery("after").orElse(0L);
            long limit = c.longQuery("limit").orElse(200L);
            if (after < 0 || limit < 1 || limit > MAX_LIMIT) {
                throw KeyroomException.badRequest("after must be 0 or more, limit 1 to " + MAX_LIMIT);
            }
            return Reply.ok(new dev.keyroom.protocol.dto.AuditDtos.AuditEvents(audit.after(after, (int) limit)));
        });
    }
}

package dev.keyroom.server.http;

import dev.keyroom.protocol.dto.Dto;

/** {@code GET /healthz}: the only unauthenticated route (AUTH-6); publishes the posture (CL-2). */
public final class HealthRoutes {
    private final Dto.Health health;

    public HealthRoutes(String version, Dto.Posture posture) {
        this.health = new Dto.Health("ok", version, posture);
    }

    public void register(Router router) {
        router.add("GET", "/healthz", Router.Access.PUBLIC, c -> Reply.ok(health));
    }
}

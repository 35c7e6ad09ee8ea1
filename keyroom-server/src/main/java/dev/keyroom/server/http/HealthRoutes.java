package dev.keyroom.server.http;

import dev.keyroom.protocol.dto.HealthDtos;

/**
 * {@code GET /healthz}: unauthenticated, as only {@link OpenApiRoutes} is besides (AUTH-6); publishes
 * the posture (CL-2).
 * {@code posture} is read on each request: a promotion or a fence changes the role.
 */
public record HealthRoutes(String version, java.util.function.Supplier<HealthDtos.Posture> posture) {
    public void register(Router router) {
        router.add(
                "GET",
                "/healthz",
                Router.Access.PUBLIC,
                c -> Reply.ok(new HealthDtos.Health("ok", version, posture.get())));
    }
}

package dev.keyroom.server.console;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Access;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserService;
import dev.keyroom.protocol.Json;
import dev.keyroom.server.http.Reply;
import dev.keyroom.server.http.Router;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The console's users: the list; adding one from the public identity {@code keyroom keygen --json}
 * prints, pasted whole; revoking; unlocking an agent locked for harvesting. Through {@link
 * UserService}, so the rules of the API hold here too (the last active admin stays, a revoked user
 * stays revoked) and a revocation reaches the identity cache and live sessions at once (AUTH-8).
 */
record ConsoleUserRoutes(UserService users) {
    /** A user as the console lists it: no keys. */
    record UserRow(String endpoint, String name, String role, String status, String createdAt) {
        static UserRow of(User u) {
            return new UserRow(
                    u.endpoint().value(),
                    u.name(),
                    u.role().wireName(),
                    u.status().wireName(),
                    DateTimeFormatter.ISO_INSTANT.format(u.createdAt()));
        }
    }

    record UserList(List<UserRow> users) {}

    /** The body of an add: the pasted public identity (JSON text), a name and a role. */
    record AddUser(String identity, String name, String role) {}

    void register(Router router) {
        router.add("GET", "/console/api/users", c -> {
            Access.requireAdmin(c.caller());
            return Reply.ok(new UserList(
                    users.list(c.caller()).stream().map(UserRow::of).toList()));
        });
        router.add("POST", "/console/api/users", c -> {
            AddUser add = c.json(AddUser.class);
            if (add.identity() == null || add.name() == null || add.role() == null) {
                throw KeyroomException.badRequest("identity, name and role are required");
            }
            byte[][] keys = publicKeys(add.identity());
            User u = users.register(c.caller(), keys[0], keys[1], add.name().strip(), Role.parse(add.role()));
            return Reply.created(UserRow.of(u))
                    .about("/console/api/users/" + u.endpoint().value());
        });
        router.add(
                "POST",
                "/console/api/users/{endpoint}/revoke",
                c -> Reply.ok(UserRow.of(users.revoke(c.caller(), c.endpoint()))));
        router.add(
                "POST",
                "/console/api/users/{endpoint}/unlock",
                c -> Reply.ok(UserRow.of(users.unlock(c.caller(), c.endpoint()))));
    }

    /**
     * The signing and key-exchange public keys of a pasted public identity: a JSON object with
     * {@code sign_pub} and {@code kex_pub} (base64url) and, when it names one, an {@code endpoint}
     * that must be the signing key's.
     */
    static byte[][] publicKeys(String pasted) {
        JsonNode n;
        try {
            n = Json.mapper().readTree(pasted.getBytes(StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw KeyroomException.badRequest(
                    "the public identity is not JSON: paste what keyroom keygen --json printed");
        }
        if (n == null
                || !n.isObject()
                || !n.path("sign_pub").isString()
                || !n.path("kex_pub").isString()) {
            throw KeyroomException.badRequest(
                    "the public identity needs sign_pub and kex_pub: paste what keyroom keygen --json printed");
        }
        byte[] sign = Base64Url.decode(n.path("sign_pub").asString(), "sign_pub");
        byte[] kex = Base64Url.decode(n.path("kex_pub").asString(), "kex_pub");
        JsonNode endpoint = n.path("endpoint");
        if (!endpoint.isMissingNode()
                && (!endpoint.isString()
                        || !EndpointId.isWellFormed(endpoint.asString())
                        || !new EndpointId(endpoint.asString()).matches(sign))) {
            throw KeyroomException.badRequest("the public identity's endpoint is not that of its sign_pub");
        }
        return new byte[][] {sign, kex};
    }
}

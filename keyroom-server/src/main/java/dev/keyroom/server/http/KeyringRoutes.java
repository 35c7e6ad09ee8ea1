package dev.keyroom.server.http;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.vault.KeyringService;
import dev.keyroom.protocol.dto.KeyringDtos;

/** The at-rest keyring (admin): status, rotate, rewrap, retire a key. */
public record KeyringRoutes(KeyringService keyring) {
    public void register(Router router) {
        router.add("GET", "/v1/keyring", Router.Access.ADMIN, c -> Reply.ok(view(keyring.status(c.caller()))))
                .add("POST", "/v1/keyring/rotate", Router.Access.ADMIN, c -> Reply.ok(view(keyring.rotate(c.caller()))))
                .add("POST", "/v1/keyring/rewrap", Router.Access.ADMIN, c -> Reply.ok(view(keyring.rewrap(c.caller()))))
                .add("DELETE", "/v1/keyring/keys/{id}", Router.Access.ADMIN, c -> {
                    int id;
                    try {
                        id = Integer.parseInt(c.params().get("id"));
                    } catch (NumberFormatException e) {
                        throw KeyroomException.badRequest("key ids are numbers");
                    }
                    return Reply.ok(view(keyring.retire(c.caller(), id)));
                });
    }

    static KeyringDtos.KeyringStatus view(KeyringService.Status s) {
        return new KeyringDtos.KeyringStatus(
                s.current(),
                s.keys().stream()
                        .map(id ->
                                new KeyringDtos.KeyringKey(id, s.itemsByKey().getOrDefault(id, 0L), id == s.current()))
                        .toList(),
                s.rewrapping(),
                s.rewrapped(),
                s.unreadable());
    }
}

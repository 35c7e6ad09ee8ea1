package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.vault.VaultService;
import dev.keyroom.protocol.dto.SecretDtos;
import java.util.Optional;

/** The vault: {@code /v1/rooms/{room}/secrets[/{name}]}; names may hold {@code /}. */
public record SecretRoutes(VaultService vault) {
    public void register(Router router) {
        router.add(
                        "GET",
                        "/v1/rooms/{room}/secrets",
                        c -> Reply.ok(new SecretDtos.Secrets(vault.list(c.caller(), c.room()).stream()
                                .map(s -> new SecretDtos.SecretItem(s.name(), s.version(), Views.time(s.updatedAt())))
                                .toList())))
                .add("PUT", "/v1/rooms/{room}/secrets/{name...}", this::put)
                .add("GET", "/v1/rooms/{room}/secrets/{name...}", c -> {
                    VaultService.Value v =
                            vault.get(c.caller(), c.room(), c.params().get("name"), c.longQuery("version"));
                    return Reply.ok(new SecretDtos.Secret(
                            v.name(),
                            v.version(),
                            Base64Url.encode(v.value()),
                            v.createdBy().value(),
                            Views.time(v.createdAt())));
                })
                .add("DELETE", "/v1/rooms/{room}/secrets/{name...}", c -> {
                    vault.delete(c.caller(), c.room(), c.params().get("name"));
                    return Reply.noContent();
                });
    }

    private Reply put(Call c) {
        SecretDtos.SecretPut req = c.json(SecretDtos.SecretPut.class);
        if (req.value() == null) {
            throw KeyroomException.badRequest("value is required");
        }
        String name = c.params().get("name");
        long version = vault.put(
                c.caller(),
                c.room(),
                name,
                Base64Url.decode(req.value(), "value"),
                Optional.ofNullable(req.ifVersion()));
        return Reply.ok(new SecretDtos.SecretVersion(name, version));
    }
}

package dev.keyroom.client;

import dev.keyroom.protocol.dto.KeyringDtos;

/** The server's keyring of at-rest keys (admin): its status, rotation, re-sealing and retiring keys. */
public final class Keyring extends Resource {
    Keyring(ClientContext context) {
        super(context);
    }

    public KeyringDtos.KeyringStatus status() {
        return transport.call("GET", "/v1/keyring", null, KeyringDtos.KeyringStatus.class);
    }

    /** Adds a key that new writes use at once. */
    public KeyringDtos.KeyringStatus rotate() {
        return transport.call("POST", "/v1/keyring/rotate", null, KeyringDtos.KeyringStatus.class);
    }

    /** Starts re-sealing items under older keys with the current one, in the background. */
    public KeyringDtos.KeyringStatus rewrap() {
        return transport.call("POST", "/v1/keyring/rewrap", null, KeyringDtos.KeyringStatus.class);
    }

    /** Removes a key that no item uses any more. */
    public KeyringDtos.KeyringStatus retire(int id) {
        return transport.call("DELETE", "/v1/keyring/keys/" + id, null, KeyringDtos.KeyringStatus.class);
    }
}

package dev.keyroom.client;

import dev.keyroom.protocol.dto.ConsoleDtos;

/** The node's admin console (admin): one-time login links. */
public final class Console extends Resource {
    Console(ClientContext context) {
        super(context);
    }

    /**
     * A one-time link to the node's admin console, valid for 60 s; its ticket rides in the URL's
     * fragment. Open it in a browser; refused (409) when the node's console is off.
     */
    public ConsoleDtos.Login login() {
        return transport.call("POST", "/v1/console/tickets", null, ConsoleDtos.Login.class);
    }
}

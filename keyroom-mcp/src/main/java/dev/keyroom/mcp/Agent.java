package dev.keyroom.mcp;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent these tools act as: its identity, the node it talks to and how that node is trusted,
 * and, when given, the gateway it calls upstreams through. Each tool call gets a client of its own
 * ({@link #open}): the SDK refuses a message id it has seen before as a replay, and a model that
 * reads a room twice must see the same messages twice. The identity belongs to the caller, who
 * closes it after this.
 */
public final class Agent implements AutoCloseable {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final ServerTrust trust;
    private final Identity identity;
    private final Optional<GatewayLink> gateway;

    /**
     * The agent {@code identity} on {@code server}; {@code gateway} the gateway's URL, with its CA
     * certificate file (required for an {@code https://} gateway, else fetched from it).
     */
    public Agent(URI server, ServerTrust trust, Identity identity, Optional<URI> gateway, Optional<Path> gatewayCa) {
        this.server = server;
        this.trust = trust;
        this.identity = identity;
        this.gateway = gateway.map(g -> new GatewayLink(g, gatewayCa, identity));
    }

    /** A fresh client signed by the agent's identity; the caller closes it. */
    KeyroomClient open() {
        return KeyroomClient.builder(server, identity)
                .trust(trust)
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    EndpointId endpoint() {
        return identity.endpoint();
    }

    /** The gateway, or a failure that says how to name one. */
    GatewayLink gateway() {
        return gateway.orElseThrow(() -> new ToolFailure(
                "this Keyroom MCP server was started without a gateway; restart it with --gateway URL to call"
                        + " upstreams"));
    }

    /** Ends the gateway session, if one was opened. */
    @Override
    public void close() {
        gateway.ifPresent(GatewayLink::close);
    }
}

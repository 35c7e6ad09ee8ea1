package dev.keyroom.client;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The Java SDK. Every request is signed with the caller's identity (RFC 9421 profile of the
 * protocol); the server is trusted by SPKI pin, a custom CA or the system trust store, and plain
 * {@code http://} is refused for any host but loopback (TLS-2).
 *
 * <p>The calls are grouped by resource: {@link #users()}, {@link #rooms()}, {@link #messages()},
 * {@link #secrets()}, {@link #grants()}, {@link #blobs()}, {@link #keyring()}, {@link #audit()},
 * {@link #site()} and {@link #console()};
 * {@link #connectBus()} opens the data plane and {@link #exchange} sends a raw signed request.
 *
 * <p>Room keys never leave the client in clear: {@link Rooms#create}, {@link Rooms#invite} and
 * {@link Rooms#rekey} generate and seal keys locally with HPKE; {@link Rooms#key} unseals the
 * caller's own.
 *
 * <p>Thread-safe. Failures from the server raise {@link KeyroomApiException}; transport failures
 * raise {@link java.io.UncheckedIOException}.
 */
public final class KeyroomClient implements AutoCloseable {
    private final ClientContext context;
    private final Users users;
    private final Rooms rooms;
    private final Messages messages;
    private final Secrets secrets;
    private final Grants grants;
    private final Blobs blobs;
    private final Keyring keyring;
    private final Audit audit;
    private final Site site;
    private final Console console;

    private KeyroomClient(Builder b) {
        SignedTransport transport = new SignedTransport(b.server, b.identity, b.trust, b.clock, b.random, b.timeout);
        this.context =
                new ClientContext(transport, b.identity, b.random, b.clock, new RoomKeyCache(transport, b.identity));
        this.users = new Users(context);
        this.rooms = new Rooms(context, users);
        this.messages = new Messages(context, rooms, users);
        this.secrets = new Secrets(context, rooms);
        this.grants = new Grants(context);
        this.blobs = new Blobs(context, rooms);
        this.keyring = new Keyring(context);
        this.audit = new Audit(context);
        this.site = new Site(context);
        this.console = new Console(context);
    }

    public static Builder builder(URI server, Identity identity) {
        return new Builder(server, identity);
    }

    /** Configures a client; {@link #build} validates the combination. */
    public static final class Builder {
        private final URI server;
        private final Identity identity;
        private ServerTrust trust = ServerTrust.system();
        private Clock clock = Clock.system();
        private SecureRandom random = new SecureRandom();
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(URI server, Identity identity) {
            this.server = server;
            this.identity = identity;
        }

        public Builder trust(ServerTrust trust) {
            this.trust = trust;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public KeyroomClient build() {
            String scheme = server.getScheme();
            if (!"https".equals(scheme) && !"http".equals(scheme)) {
                throw new IllegalArgumentException("the server URL must be https:// (or http:// on loopback)");
            }
            if (server.getHost() == null) {
                throw new IllegalArgumentException("the server URL has no host");
            }
            if ("http".equals(scheme) && !isLoopback(server.getHost())) {
                throw new IllegalArgumentException(
                        "refusing plaintext http:// to a non-loopback host; use https:// with a pin or CA");
            }
            if (server.getRawPath() != null
                    && !server.getRawPath().isEmpty()
                    && !server.getRawPath().equals("/")) {
                throw new IllegalArgumentException("the server URL must not have a path");
            }
            return new KeyroomClient(this);
        }
    }

    /** True for literal loopback addresses and {@code localhost}. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public EndpointId endpoint() {
        return context.identity().endpoint();
    }

    /** Users: the caller's own record, registering, listing, revoking and unlocking them. */
    public Users users() {
        return users;
    }

    /** Rooms: creating them, their members, keys and retention. */
    public Rooms rooms() {
        return rooms;
    }

    /** A room's messages: publishing, and reading checked history. */
    public Messages messages() {
        return messages;
    }

    /** A room's versioned secrets, encrypted here in encrypted rooms. */
    public Secrets secrets() {
        return secrets;
    }

    /** A room's gateway grants, signed here, and the view a gateway polls. */
    public Grants grants() {
        return grants;
    }

    /** A room's content-addressed blobs, encrypted here in encrypted rooms. */
    public Blobs blobs() {
        return blobs;
    }

    /** The server's keyring of at-rest keys (admin). */
    public Keyring keyring() {
        return keyring;
    }

    /** The site's audit log (admin). */
    public Audit audit() {
        return audit;
    }

    /** The site's replication: status, promotion and retry (admin). */
    public Site site() {
        return site;
    }

    /** The node's admin console: one-time login links (admin). */
    public Console console() {
        return console;
    }

    /** A response: status, headers we care about, and the body. */
    public record Response(int status, String requestId, byte[] body) {}

    /** Sends a signed request and returns the raw response, whatever its status. */
    public Response exchange(String method, String pathAndQuery, byte[] body) {
        return context.transport().exchange(method, pathAndQuery, body);
    }

    /** Opens a data-plane connection to {@code /v1/bus}, authenticated with this identity. */
    public BusClient connectBus() {
        return new BusClient(context, messages);
    }

    @Override
    public void close() {
        context.close();
    }
}

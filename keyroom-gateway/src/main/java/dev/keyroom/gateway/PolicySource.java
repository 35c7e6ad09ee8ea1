package dev.keyroom.gateway;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.SecretValue;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.dto.GrantDtos;
import dev.keyroom.protocol.grant.GrantDocument;
import dev.keyroom.protocol.grant.SignedGrant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the gateway's {@link Policy} in step with the Keyroom server: polls the server's view of the
 * rooms the gateway is a member of every {@code interval} (it answers "unchanged" cheaply), and on a
 * change verifies every grant itself (GW-2) and unseals each secret version a grant needs as a room
 * member (GW-3). A grant the server lists but whose signature does not verify against its granter's
 * key, whose granter is no longer an active owner or admin, or whose agent is no longer an active
 * member, is not honoured: a row written into the server's store by someone without the granter's
 * key does nothing.
 *
 * <p>While the server cannot be reached, the last policy stays in force for at most
 * {@code maxStaleness}; after that the gateway honours nothing (fails closed) until it has heard from
 * the server again.
 */
final class PolicySource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolicySource.class);

    private final KeyroomClient server;
    private final Clock clock;
    private final Duration interval;
    private final Duration maxStaleness;
    private final Credentials credentials;
    private final Consumer<Policy> changed;
    private final Consumer<Set<String>> held;
    private final ScheduledExecutorService timer;
    private volatile Policy policy = Policy.EMPTY;
    private volatile long lastHeardMillis;
    private String digest;

    PolicySource(
            KeyroomClient server,
            Clock clock,
            Duration interval,
            Duration maxStaleness,
            Credentials credentials,
            Consumer<Set<String>> held,
            Consumer<Policy> changed) {
        this.server = server;
        this.clock = clock;
        this.interval = interval;
        this.maxStaleness = maxStaleness;
        this.credentials = credentials;
        this.changed = changed;
        this.held = held;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyroom-gateway-policy");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads the first policy (failing when the server cannot be reached), then polls. */
    void start() {
        refresh();
        timer.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The policy in force: empty once the server has been out of reach for longer than allowed. */
    Policy current() {
        if (stale()) {
            return Policy.EMPTY;
        }
        return policy;
    }

    /** Whether the gateway has not heard from the server for longer than allowed (and so honours nothing). */
    boolean stale() {
        return clock.now().toEpochMilli() - lastHeardMillis > maxStaleness.toMillis();
    }

    private void poll() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("cannot refresh the grants from the Keyroom server: {}", e.getMessage());
            if (stale()) {
                changed.accept(Policy.EMPTY);
            }
        }
    }

    /** One poll; public to the package so tests and the first start can run it at once. */
    synchronized void refresh() {
        GrantDtos.View view = server.grants().view(Optional.ofNullable(digest));
        lastHeardMillis = clock.now().toEpochMilli();
        if (view.unchanged() && digest != null) {
            changed.accept(policy);
            return;
        }
        List<LiveGrant> live = new ArrayList<>();
        Map<EndpointId, byte[]> agentKeys = new HashMap<>();
        for (GrantDtos.ViewRoom room : view.rooms()) {
            live.addAll(verified(room, agentKeys));
        }
        Set<Credentials.Key> needed = new HashSet<>();
        List<LiveGrant> usable = new ArrayList<>();
        for (LiveGrant g : live) {
            Credentials.Key key = Credentials.Key.of(g);
            if (!credentials.has(key) && !unseal(key)) {
                continue;
            }
            needed.add(key);
            usable.add(g);
        }
        Set<String> forms = new HashSet<>();
        for (LiveGrant g : usable) {
            credentials.get(Credentials.Key.of(g)).ifPresent(v -> {
                try {
                    for (byte[] echo : Injection.of(g.doc().inject(), v).echoes()) {
                        forms.add(new String(echo, java.nio.charset.StandardCharsets.UTF_8));
                    }
                } catch (IllegalStateException e) {
                    forms.add(new String(v.unsafeBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            });
        }
        held.accept(forms);
        credentials.retainOnly(needed);
        policy = Policy.of(usable, agentKeys);
        digest = view.digest();
        changed.accept(policy);
    }

    private List<LiveGrant> verified(GrantDtos.ViewRoom room, Map<EndpointId, byte[]> agentKeys) {
        Map<String, GrantDtos.ViewMember> members = new HashMap<>();
        for (GrantDtos.ViewMember m : room.members()) {
            members.put(m.endpoint(), m);
        }
        List<LiveGrant> out = new ArrayList<>();
        for (GrantDtos.Grant wire : room.grants()) {
            Optional<LiveGrant> g = verify(room, members, wire);
            if (g.isPresent()) {
                out.add(g.get());
                agentKeys.put(
                        g.get().agent(),
                        Base64Url.decode(members.get(g.get().doc().agent()).signPub(), "sign_pub"));
            }
        }
        return out;
    }

    private Optional<LiveGrant> verify(
            GrantDtos.ViewRoom room, Map<String, GrantDtos.ViewMember> members, GrantDtos.Grant wire) {
        GrantDocument doc;
        SignedGrant signed;
        try {
            signed = SignedGrant.fromWire(wire.document(), wire.signature());
            doc = signed.parse();
        } catch (RuntimeException e) {
            log.warn("ignoring a malformed grant in room {}: {}", room.roomId(), e.getMessage());
            return Optional.empty();
        }
        GrantDtos.ViewMember granter = members.get(doc.granter());
        GrantDtos.ViewMember agent = members.get(doc.agent());
        if (!doc.room().equals(room.roomId()) || granter == null || agent == null) {
            return Optional.empty();
        }
        if (!signed.signedBy(Base64Url.decode(granter.signPub(), "sign_pub"))
                || !EndpointId.parse(granter.endpoint()).matches(Base64Url.decode(granter.signPub(), "sign_pub"))) {
            log.warn("ignoring grant {} in room {}: its signature does not verify", doc.grantId(), room.roomId());
            return Optional.empty();
        }
        if (!granter.active() || !RoomRole.parse(granter.role()).canManage() || !agent.active()) {
            return Optional.empty();
        }
        if (!EndpointId.parse(agent.endpoint()).matches(Base64Url.decode(agent.signPub(), "sign_pub"))) {
            return Optional.empty();
        }
        Long version = room.secrets().get(doc.secret());
        if (version == null || doc.expiredAt(clock.now())) {
            return Optional.empty();
        }
        return Optional.of(new LiveGrant(doc, version));
    }

    private boolean unseal(Credentials.Key key) {
        try {
            SecretValue v = server.secrets().get(RoomId.parse(key.room()), key.secret(), Optional.of(key.version()));
            if (v.value().length() < Injection.MIN_VALUE_BYTES) {
                log.warn("secret {} of room {} is too short to inject and mask safely", key.secret(), key.room());
                v.close();
                return false;
            }
            credentials.put(key, v.value());
            return true;
        } catch (RuntimeException e) {
            log.warn("cannot read secret {} of room {}: {}", key.secret(), key.room(), e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

package dev.keyroom.protocol.grant;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link GrantDocument} with what a granter rarely chooses filled in: a fresh random grant
 * id, {@code v} 1, {@code created_at} now, only {@code GET}, every path ({@code /}) and port 443.
 * {@link #build} validates the result, so a draft that breaks a rule fails here, before it is signed
 * or sent. Not thread-safe; one draft makes one document.
 */
public final class GrantDraft {
    private final RoomId room;
    private final EndpointId agent;
    private final EndpointId granter;
    private final String secret;
    private GrantDocument.Upstream upstream;
    private List<String> methods = List.of("GET");
    private List<String> pathPrefixes = List.of("/");
    private GrantDocument.Injection inject;
    private int ratePerMinute;
    private long budgetPerDay;
    private Duration lifetime;
    private Instant expiresAt;
    private List<String> allowAddresses;
    private String upstreamCa;
    private String upstreamPin;

    private GrantDraft(RoomId room, EndpointId agent, EndpointId granter, String secret) {
        this.room = Objects.requireNonNull(room, "room");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.granter = Objects.requireNonNull(granter, "granter");
        this.secret = Objects.requireNonNull(secret, "secret");
    }

    /** A draft letting {@code agent} use {@code secret} of {@code room}, granted by {@code granter}. */
    public static GrantDraft of(RoomId room, EndpointId agent, EndpointId granter, String secret) {
        return new GrantDraft(room, agent, granter, secret);
    }

    /** The upstream, {@code https} at {@code host} and {@code port}. */
    public GrantDraft upstream(String host, int port) {
        this.upstream = new GrantDocument.Upstream("https", host, port);
        return this;
    }

    /** The upstream on the default port, 443. */
    public GrantDraft upstream(String host) {
        return upstream(host, 443);
    }

    public GrantDraft methods(List<String> methods) {
        this.methods = List.copyOf(methods);
        return this;
    }

    public GrantDraft pathPrefixes(List<String> prefixes) {
        this.pathPrefixes = List.copyOf(prefixes);
        return this;
    }

    /** A header {@code name} set to {@code template}, such as {@code Bearer {value}}. */
    public GrantDraft header(String name, String template) {
        this.inject = new GrantDocument.Injection("header", name, template);
        return this;
    }

    /** HTTP Basic authentication of {@code template}, such as {@code api:{value}}. */
    public GrantDraft basic(String template) {
        this.inject = new GrantDocument.Injection("basic", null, template);
        return this;
    }

    /** A query parameter {@code name} set to {@code template}. */
    public GrantDraft query(String name, String template) {
        this.inject = new GrantDocument.Injection("query", name, template);
        return this;
    }

    public GrantDraft ratePerMinute(int rate) {
        this.ratePerMinute = rate;
        return this;
    }

    public GrantDraft budgetPerDay(long budget) {
        this.budgetPerDay = budget;
        return this;
    }

    /** Expires {@code lifetime} after it is built. */
    public GrantDraft expiresIn(Duration lifetime) {
        this.lifetime = lifetime;
        this.expiresAt = null;
        return this;
    }

    public GrantDraft expiresAt(Instant at) {
        this.expiresAt = at;
        this.lifetime = null;
        return this;
    }

    /** Private networks (CIDR) the upstream's name may resolve to (GW-6). */
    public GrantDraft allowAddresses(List<String> networks) {
        this.allowAddresses = networks == null || networks.isEmpty() ? null : List.copyOf(networks);
        return this;
    }

    /** PEM certificates that replace the system trust store for this upstream (GW-5). */
    public GrantDraft upstreamCa(String pem) {
        this.upstreamCa = pem;
        return this;
    }

    /** {@code sha256/} and the base64 SHA-256 of the upstream's public key (GW-5). */
    public GrantDraft upstreamPin(String pin) {
        this.upstreamPin = pin;
        return this;
    }

    /** The document, created at {@code now} (to the second) with a fresh id; BAD_REQUEST when a rule is broken. */
    public GrantDocument build(Instant now, SecureRandom random) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        Instant created = now.truncatedTo(ChronoUnit.SECONDS);
        Instant expires = expiresAt != null ? expiresAt : lifetime != null ? created.plus(lifetime) : null;
        GrantDocument doc = new GrantDocument(
                GrantDocument.VERSION,
                HexFormat.of().formatHex(id),
                room.value(),
                agent.value(),
                granter.value(),
                secret,
                upstream,
                methods,
                pathPrefixes,
                inject,
                ratePerMinute,
                budgetPerDay,
                created.toString(),
                expires == null ? null : expires.toString(),
                allowAddresses,
                upstreamCa,
                upstreamPin);
        doc.validate();
        return doc;
    }
}

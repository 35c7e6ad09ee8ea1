package dev.keyroom.protocol.grant;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.vault.VaultService;
import dev.keyroom.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a grant says (GW-2): {@code agent} may use secret {@code secret} of {@code room} at
 * {@code upstream}, for {@code methods} under {@code pathPrefixes}, injected as {@code inject}, at
 * most {@code ratePerMinute} calls a minute and {@code budgetPerDay} a (UTC) day, until
 * {@code expiresAt}. Signed by {@code granter} (see {@link SignedGrant}); the JSON form is snake_case.
 *
 * <p>{@code allowAddresses} names the private, loopback or link-local networks (CIDR) that the
 * upstream's name may resolve to; without it such addresses are refused (GW-6). An upstream given as
 * an IP literal names its own address. {@code upstreamCa} (PEM) or {@code upstreamPin}
 * ({@code sha256/} and the base64 SHA-256 of the leaf's SubjectPublicKeyInfo) replaces the system
 * trust store for this upstream; validation is never switched off (GW-5).
 */
public record GrantDocument(
        int v,
        String grantId,
        String room,
        String agent,
        String granter,
        String secret,
        Upstream upstream,
        List<String> methods,
        List<String> pathPrefixes,
        Injection inject,
        int ratePerMinute,
        long budgetPerDay,
        String createdAt,
        String expiresAt,
        List<String> allowAddresses,
        String upstreamCa,
        String upstreamPin) {

    public static final int VERSION = 1;
    public static final Duration MAX_LIFETIME = Duration.ofDays(366);
    public static final int MAX_RATE_PER_MINUTE = 100_000;
    public static final long MAX_BUDGET_PER_DAY = 1_000_000_000L;
    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private static final Pattern GRANT_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern PIN = Pattern.compile("sha256/[A-Za-z0-9+/]{43}=");
    private static final Pattern PATH_PREFIX = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@/-]{0,511}");
    private static final int MAX_LIST = 32;
    private static final int MAX_CA_PEM = 16 * 1024;

    /** Where the grant may be used. Only {@code https}: a credential never travels in clear text. */
    public record Upstream(String scheme, String host, int port) {
        /** {@code host:port}, as a CONNECT names it. */
        public String authority() {
            return authority(host, port);
        }

        /** {@code host:port}, an IPv6 host in brackets. */
        public static String authority(String host, int port) {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * How the value is injected: {@code header} (header {@code name}, value {@code template} with
     * {@code {value}} replaced), {@code basic} (an {@code Authorization: Basic} header of
     * {@code template}, for example {@code api:{value}}), or {@code query} (query parameter
     * {@code name} set to {@code template}).
     */
    public record Injection(String kind, String name, String template) {
        public static final String PLACEHOLDER = "{value}";
    }

    /** Parses and validates a signed grant's document bytes; BAD_REQUEST with the first problem. */
    public static GrantDocument parse(byte[] json) {
        GrantDocument d = Json.read(json, GrantDocument.class);
        d.validate();
        return d;
    }

    public RoomId roomId() {
        return RoomId.parse(room);
    }

    public EndpointId agentId() {
        return EndpointId.parse(agent);
    }

    public EndpointId granterId() {
        return EndpointId.parse(granter);
    }

    public Instant expires() {
        return instant(expiresAt, "expires_at");
    }

    public Instant created() {
        return instant(createdAt, "created_at");
    }

    /** Whether the grant is past its expiry at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expires());
    }

    /** Whether {@code path} (already normalised, without query) lies under one of the prefixes. */
    public boolean allowsPath(String path) {
        return longestPrefixOf(path) >= 0;
    }

    /**
     * The length of the longest prefix {@code path} lies under, -1 when none: a path lies under a
     * prefix equal to it, one ending in {@code /} it starts with, or one it continues with {@code /}.
     */
    public int longestPrefixOf(String path) {
        int longest = -1;
        for (String p : pathPrefixes) {
            if (path.equals(p) || path.startsWith(p) && (p.endsWith("/") || path.charAt(p.length()) == '/')) {
                longest = Math.max(longest, p.length());
            }
        }
        return longest;
    }

    public boolean allowsMethod(String method) {
        return methods.contains(method);
    }

    /** Checks every field; BAD_REQUEST naming the first field that breaks its rule. */
    public void validate() {
        if (v != VERSION) {
            throw bad("v must be " + VERSION);
        }
        if (grantId == null || !GRANT_ID.matcher(grantId).matches()) {
            throw bad("grant_id must be 32 lowercase hex characters");
        }
        require(room, "room");
        RoomId.parse(room);
        require(agent, "agent");
        EndpointId.parse(agent);
        require(granter, "granter");
        EndpointId.parse(granter);
        VaultService.requireName(secret);
        validateUpstream();
        if (methods == null || methods.isEmpty() || methods.size() > METHODS.size()) {
            throw bad("methods must list at least one of " + sorted(METHODS));
        }
        // Set.of and List.of throw when asked about null: a null entry is refused before that.
        if (methods.stream().anyMatch(java.util.Objects::isNull)
                || new HashSet<>(methods).size() != methods.size()
                || !METHODS.containsAll(methods)) {
            throw bad("methods must be distinct and among " + sorted(METHODS));
        }
        if (pathPrefixes == null || pathPrefixes.isEmpty() || pathPrefixes.size() > MAX_LIST) {
            throw bad("path_prefixes must list 1 to " + MAX_LIST + " prefixes");
        }
        for (String p : pathPrefixes) {
            if (p == null || !PATH_PREFIX.matcher(p).matches() || p.contains("//") || hasDotSegment(p)) {
                throw bad("each path prefix starts with '/' and has no '//', '.' or '..' segment, '%', '?' or '#'");
            }
        }
        validateInjection();
        if (ratePerMinute < 1 || ratePerMinute > MAX_RATE_PER_MINUTE) {
            throw bad("rate_per_minute must be 1 to " + MAX_RATE_PER_MINUTE);
        }
        if (budgetPerDay < 1 || budgetPerDay > MAX_BUDGET_PER_DAY) {
            throw bad("budget_per_day must be 1 to " + MAX_BUDGET_PER_DAY);
        }
        Instant created = created();
        Instant expires = expires();
        if (!expires.isAfter(created) || Duration.between(created, expires).compareTo(MAX_LIFETIME) > 0) {
            throw bad("expires_at must be after created_at and at most 366 days later");
        }
        if (allowAddresses != null) {
            if (allowAddresses.size() > MAX_LIST) {
                throw bad("allow_addresses lists at most " + MAX_LIST + " networks");
            }
            for (String cidr : allowAddresses) {
                Cidr.parse(cidr);
            }
        }
        if (upstreamCa != null && upstreamPin != null) {
            throw bad("give upstream_ca or upstream_pin, not both");
        }
        if (upstreamCa != null
                && (upstreamCa.length() > MAX_CA_PEM || !upstreamCa.contains("-----BEGIN CERTIFICATE-----"))) {
            throw bad("upstream_ca must be PEM certificates of at most 16 KiB");
        }
        if (upstreamPin != null && !PIN.matcher(upstreamPin).matches()) {
            throw bad("upstream_pin must be sha256/ and the base64 SHA-256 of the upstream's public key");
        }
    }

    private void validateUpstream() {
        if (upstream == null) {
            throw bad("upstream is required");
        }
        if (!"https".equals(upstream.scheme())) {
            throw bad("upstream scheme must be https: a credential never travels in clear text");
        }
        String host = upstream.host();
        if (host == null || !(HOST_NAME.matcher(host).matches() || host.indexOf(':') >= 0 && Cidr.isIpLiteral(host))) {
            throw bad("upstream host must be a lower-case DNS name or an IP address");
        }
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (host.indexOf(':') < 0 && last.chars().allMatch(Character::isDigit) && !Cidr.isIpLiteral(host)) {
            // "2130706433" or "127.1" would be read as an address by some resolvers.
            throw bad("upstream host must be a DNS name or a dotted-quad IPv4 address");
        }
        if (upstream.port() < 1 || upstream.port() > 65535) {
            throw bad("upstream port must be 1 to 65535");
        }
    }

    private void validateInjection() {
        if (inject == null || inject.kind() == null) {
            throw bad("inject is required, with kind header, basic or query");
        }
        String template = inject.template();
        if (template == null
                || template.length() > 256
                || template.indexOf(Injection.PLACEHOLDER) < 0
                || template.indexOf(Injection.PLACEHOLDER) != template.lastIndexOf(Injection.PLACEHOLDER)
                || template.chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e)) {
            throw bad("inject.template must be printable ASCII holding {value} exactly once");
        }
        switch (inject.kind()) {
            case "header" -> {
                String name = inject.name();
                if (name == null || !name.matches("[A-Za-z0-9-]{1,64}") || RESERVED_HEADERS.contains(lower(name))) {
                    throw bad("inject.name must be a header name other than " + sorted(RESERVED_HEADERS));
                }
            }
            case "basic" -> {
                if (inject.name() != null) {
                    throw bad("basic injection takes no name");
                }
            }
            case "query" -> {
                if (inject.name() == null || !inject.name().matches("[A-Za-z0-9._~-]{1,64}")) {
                    throw bad("inject.name must be a query parameter name of [A-Za-z0-9._~-]");
                }
            }
            default -> throw bad("inject.kind must be header, basic or query");
        }
    }

    /** Headers a grant cannot set: they frame the message or belong to the hop. */
    static final Set<String> RESERVED_HEADERS = Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "upgrade",
            "te",
            "trailer",
            "proxy-authorization",
            "proxy-authenticate",
            "proxy-connection",
            "expect",
            "cookie");

    private static boolean hasDotSegment(String path) {
        for (String s : path.split("/", -1)) {
            if (s.equals(".") || s.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static Instant instant(String value, String field) {
        if (value == null) {
            throw bad(field + " is required");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw bad(field + " must be an RFC 3339 UTC time such as 2026-12-03T10:15:30Z");
        }
    }

    private static void require(String value, String field) {
        if (value == null) {
            throw bad(field + " is required");
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static KeyroomException bad(String message) {
        return KeyroomException.badRequest("grant: " + message);
    }
}

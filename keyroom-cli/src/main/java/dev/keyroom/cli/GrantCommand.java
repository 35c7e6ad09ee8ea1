package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.GrantDtos;
import dev.keyroom.protocol.grant.GrantDraft;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Gateway grants (GW-2): an owner or admin lets an agent use one secret of the room at one
 * upstream through the gateway, which injects the value so the agent never holds it. The grant is
 * signed here with the caller's identity; only GET on every path of port 443 unless told otherwise.
 */
@Command(
        name = "grant",
        description = "Gateway grants of a room: add (signed with your identity), list, revoke.",
        subcommands = {GrantCommand.Add.class, GrantCommand.Ls.class, GrantCommand.Revoke.class})
final class GrantCommand {
    /** A client command about one room's grants, named by {@code --room}. */
    abstract static class OnGrantRoom extends ClientCommand {
        @Option(names = "--room", required = true, description = "Room id, or a name unique among your rooms")
        String room;

        private RoomId resolved;

        @Override
        void opened(KeyroomClient c) {
            resolved = RoomNames.resolve(c, room);
        }

        RoomId roomId() {
            return resolved;
        }
    }

    /** How the value is injected: exactly one of three. */
    static final class Injection {
        @Option(names = "--header", description = "A header and its value, e.g. 'Authorization: Bearer {value}'")
        String header;

        @Option(names = "--basic", description = "HTTP Basic credentials, e.g. 'api:{value}'")
        String basic;

        @Option(names = "--query", description = "A query parameter, e.g. 'api_key={value}'")
        String query;
    }

    /** How the upstream's certificate is checked instead of the system trust store: at most one. */
    static final class UpstreamTrust {
        @Option(names = "--upstream-ca", description = "PEM file of the CA certificates the upstream chains to")
        Path ca;

        @Option(names = "--upstream-pin", description = "sha256/ and the base64 SHA-256 of the upstream's public key")
        String pin;
    }

    @Command(name = "add", description = "Grant an agent the use of a secret at one upstream; prints the grant id.")
    static final class Add extends OnGrantRoom {
        @Option(names = "--agent", required = true, description = "Endpoint id of the agent, a member of the room")
        String agent;

        @Option(names = "--secret", required = true, description = "Name of the room's secret to inject")
        String secret;

        @Option(names = "--upstream", required = true, description = "https://host[:port] (port 443 unless given)")
        String upstream;

        @Option(names = "--method", description = "An HTTP method allowed (repeatable; default GET)")
        List<String> methods;

        @Option(names = "--path", description = "A path prefix allowed (repeatable; default /)")
        List<String> paths;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Injection inject;

        @Option(names = "--rate", required = true, description = "Calls a minute at most")
        int rate;

        @Option(names = "--budget", required = true, description = "Calls a (UTC) day at most")
        long budget;

        @Option(
                names = "--expires",
                required = true,
                description = "When the grant ends: 30d, 12h, 45m, or an RFC 3339 time")
        String expires;

        @Option(
                names = "--allow-address",
                description = "A private network (CIDR) the upstream may resolve to (repeatable)")
        List<String> allowAddresses;

        @ArgGroup(exclusive = true)
        UpstreamTrust trust;

        @Override
        Printed run(KeyroomClient c) throws Exception {
            URI up = upstream(upstream);
            GrantDraft draft = c.grants()
                    .draft(roomId(), EndpointId.parse(agent), secret)
                    .upstream(host(up), up.getPort() < 0 ? 443 : up.getPort())
                    .ratePerMinute(rate)
                    .budgetPerDay(budget)
                    .allowAddresses(allowAddresses);
            if (methods != null) {
                draft.methods(
                        methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
            }
            if (paths != null) {
                draft.pathPrefixes(paths);
            }
            injection(draft);
            expiry(draft, expires);
            if (trust != null && trust.ca != null) {
                draft.upstreamCa(Files.readString(trust.ca, StandardCharsets.US_ASCII));
            } else if (trust != null) {
                draft.upstreamPin(trust.pin);
            }
            GrantDtos.GrantItem item = c.grants().add(draft);
            return new Printed(item, item.grantId());
        }

        private void injection(GrantDraft draft) {
            if (inject.header != null) {
                int colon = inject.header.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(
                            "--header takes 'Name: template', e.g. 'Authorization: Bearer {value}'");
                }
                draft.header(
                        inject.header.substring(0, colon).strip(),
                        inject.header.substring(colon + 1).strip());
            } else if (inject.query != null) {
                int eq = inject.query.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--query takes 'name=template', e.g. 'api_key={value}'");
                }
                draft.query(inject.query.substring(0, eq), inject.query.substring(eq + 1));
            } else {
                draft.basic(inject.basic);
            }
        }
    }

    private static final Pattern LIFETIME = Pattern.compile("([1-9][0-9]{0,5})([dhm])");

    /** {@code 30d}, {@code 12h}, {@code 45m} from now, or an RFC 3339 time. */
    static void expiry(GrantDraft draft, String text) {
        Matcher m = LIFETIME.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            draft.expiresIn(
                    switch (m.group(2)) {
                        case "d" -> Duration.ofDays(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofMinutes(n);
                    });
            return;
        }
        try {
            draft.expiresAt(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--expires takes a lifetime such as 30d, 12h or 45m, or an RFC 3339 time such as 2026-12-03T10:15:30Z");
        }
    }

    /** {@code https://host[:port]}, nothing more: the path and method rules are options of their own. */
    static URI upstream(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--upstream must be a URL such as https://api.example.com");
        }
        if (!"https".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("--upstream must be https://: a credential never travels in clear text");
        }
        if (u.getHost() == null
                || u.getRawUserInfo() != null
                || u.getRawQuery() != null
                || u.getRawFragment() != null
                || !(u.getRawPath() == null
                        || u.getRawPath().isEmpty()
                        || u.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("--upstream is https://host[:port] only; give paths with --path");
        }
        return u;
    }

    private static String host(URI u) {
        String h = u.getHost().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    @Command(name = "list", description = "List a room's grants: all for owners and admins, else those naming you.")
    static final class Ls extends OnGrantRoom {
        @Override
        Printed run(KeyroomClient c) {
            List<GrantDtos.GrantItem> items = c.grants().list(roomId());
            return Printed.lines(
                    new GrantDtos.Grants(items),
                    items,
                    g -> g.grantId() + " agent " + g.agent() + " secret " + g.secret() + " by " + g.granter()
                            + " until " + g.expiresAt());
        }
    }

    @Command(name = "revoke", description = "Revoke a grant at once (owners and admins).")
    static final class Revoke extends OnGrantRoom {
        @Parameters(index = "0", description = "Grant id")
        String grantId;

        @Override
        Printed run(KeyroomClient c) {
            c.grants().revoke(roomId(), grantId);
            return new Printed(Map.of("grant_id", grantId, "revoked", true), "revoked " + grantId);
        }
    }
}

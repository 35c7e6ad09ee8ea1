package dev.keyroom.cli;

import dev.keyroom.client.GatewaySession;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs a program as an agent behind a gateway: opens a session signed by the agent's identity, hands
 * the program only the session's proxy credential (in the proxy variables its HTTP clients read) and
 * the gateway's CA, and ends the session when the program ends, so the credential does not outlive
 * it. The identity stays in this process: neither the file's path nor its keys reach the program,
 * and the API keys the gateway injects never reach either.
 */
@Command(
        name = "run",
        description = "Run a program whose HTTPS calls go through a Keyroom gateway, which injects the API keys"
                + " granted to --identity: keyroom run --gateway URL --identity FILE -- COMMAND [ARGS...]."
                + " Exits with the program's status.")
final class RunCommand extends KeyroomCommand {
    static final Duration MIN_TTL = Duration.ofSeconds(10);
    static final Duration MAX_TTL = Duration.ofMinutes(15);
    private static final Pattern TTL = Pattern.compile("([0-9]{1,4})(s|m)");

    @Option(names = "--gateway", required = true, description = "The gateway's URL, e.g. http://127.0.0.1:8480")
    String gateway;

    @Option(
            names = "--identity",
            required = true,
            description = "The agent's identity file (mode 0600); never passed to the program")
    Path identity;

    @Option(
            names = "--ca",
            description = "The gateway's CA certificate (its DATA/ca.pem); fetched from the gateway when absent,"
                    + " required for an https:// gateway")
    Path ca;

    @Option(
            names = "--ttl",
            defaultValue = "60s",
            description = "The session's lifetime, renewed every third of it: 10s to 15m (default: ${DEFAULT-VALUE})")
    String ttl;

    @Parameters(paramLabel = "COMMAND", description = "The program and its arguments, after --")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Duration life = ttl(ttl);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("give the program to run after --, e.g. keyroom run --gateway "
                    + "http://127.0.0.1:8480 --identity agent.identity -- curl https://api.example.com");
        }
        URI at = gatewayUri(gateway);
        boolean tls = "https".equals(at.getScheme());
        if (tls && ca == null) {
            throw new IllegalArgumentException("an https:// gateway needs --ca: its certificate is from the gateway's"
                    + " own CA (the gateway's DATA/ca.pem)");
        }
        try (Identity id = IdentityFile.read(identity);
                KeyroomClient client = KeyroomClient.builder(at, id)
                        .trust(tls ? ServerTrust.ca(ca) : ServerTrust.system())
                        .build();
                GatewayCaFile caFile = ca != null ? GatewayCaFile.given(ca) : GatewayCaFile.fetch(at);
                AgentRun run = new AgentRun(open(client, at, life), life.dividedBy(3), err())) {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            pb.environment().clear();
            pb.environment()
                    .putAll(AgentEnvironment.of(
                            System.getenv(),
                            at,
                            run.session().proxyUser(),
                            run.session().credential(),
                            caFile.path()));
            return run.supervise(pb, caFile::close);
        }
    }

    private static GatewaySession open(KeyroomClient client, URI at, Duration life) {
        try {
            return GatewaySession.open(client, Optional.of(life));
        } catch (UncheckedIOException e) {
            throw GatewayCaFile.unreachable(at, e);
        }
    }

    /** A lifetime such as {@code 60s} or {@code 5m}, within what the gateway grants a session. */
    static Duration ttl(String text) {
        Matcher m = TTL.matcher(text);
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
        }
        if (d == null || d.compareTo(MIN_TTL) < 0 || d.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl takes a lifetime from 10s to 15m, such as 60s or 5m");
        }
        return d;
    }

    /** {@code http(s)://host[:port]}: a gateway is named by where it listens, nothing more. */
    static URI gatewayUri(String text) throws IOException {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--gateway must be a URL such as http://127.0.0.1:8480");
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                || u.getHost() == null
                || u.getRawUserInfo() != null
                || u.getRawQuery() != null
                || !(u.getRawPath() == null
                        || u.getRawPath().isEmpty()
                        || u.getRawPath().equals("/"))) {
            throw new IllegalArgumentException(
                    "--gateway must be http(s)://host[:port], such as http://127.0.0.1:8480");
        }
        return URI.create(u.getScheme() + "://" + u.getRawAuthority());
    }
}

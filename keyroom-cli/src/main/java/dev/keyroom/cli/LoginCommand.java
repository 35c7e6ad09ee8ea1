package dev.keyroom.cli;

import dev.keyroom.protocol.dto.UserDtos;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Saves a named profile after checking it against the server, so that later commands need no
 * connection options; see {@link Profiles}.
 */
@Command(
        name = "login",
        description = "Check a server, pin and identity together, then save them as a profile (paths and pins"
                + " only, mode 0600) that client commands use when --server, --pin and --identity are left out.")
final class LoginCommand extends KeyroomCommand {
    @Option(names = "--server", required = true, description = "Server URL, e.g. https://127.0.0.1:8443")
    URI server;

    @Option(names = "--identity", required = true, description = "Identity file (mode 0600); its path is saved")
    Path identity;

    @Option(
            names = "--name",
            defaultValue = "default",
            description = "Profile name (default: ${DEFAULT-VALUE}; others are chosen with KEYROOM_PROFILE)")
    String name;

    @Mixin
    TrustOptions trust;

    @Mixin
    JsonOption output;

    /** The environment, for where profiles live; set by {@link Main}. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        Profiles profiles = new Profiles(env);
        profiles.file(name);
        UserDtos.User me;
        try (ClientOptions.Session s = ClientOptions.connect(server, identity, trust)) {
            me = s.client().users().me();
        } catch (RuntimeException e) {
            throw Failures.explain(e, server.toString());
        }
        Profiles.Profile p = new Profiles.Profile(
                server.toString(),
                trust.pin,
                trust.ca == null ? null : trust.ca.toAbsolutePath().normalize().toString(),
                identity.toAbsolutePath().normalize().toString());
        Path saved = profiles.save(name, p);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("profile", name);
        json.put("file", saved.toString());
        json.put("endpoint", me.endpoint());
        json.put("role", me.role());
        print(
                output.json,
                json,
                "saved profile " + name + " in " + saved + " (" + me.endpoint() + " " + me.role() + ")"
                        + (name.equals("default") ? "" : "; use it with KEYROOM_PROFILE=" + name));
        return 0;
    }
}

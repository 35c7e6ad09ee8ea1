package dev.keyroom.cli;

import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a client command's connection comes from when the command line leaves it out: the
 * environment variables {@code KEYROOM_SERVER}, {@code KEYROOM_PIN}, {@code KEYROOM_CA} and {@code
 * KEYROOM_IDENTITY}, else the profile {@code KEYROOM_PROFILE} names ({@code default} when unset),
 * saved by {@code keyroom login} as {@code CONFIG/profiles/NAME.json}: paths and pins only, never
 * key material, mode 0600. CONFIG is {@code $KEYROOM_CONFIG_HOME}, else {@code
 * $XDG_CONFIG_HOME/keyroom}, else {@code ~/.config/keyroom}.
 */
final class Profiles implements CommandLine.IDefaultValueProvider {
    /** A saved profile; {@code pin} or {@code ca} may be null. */
    record Profile(String server, String pin, String ca, String identity) {}

    private static final Map<String, String> VARIABLES = Map.of(
            "--server", "KEYROOM_SERVER",
            "--pin", "KEYROOM_PIN",
            "--ca", "KEYROOM_CA",
            "--identity", "KEYROOM_IDENTITY");

    private final Map<String, String> env;
    private Profile profile;
    private boolean loaded;

    Profiles(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec arg) throws IOException {
        if (!(arg instanceof OptionSpec o)
                || !VARIABLES.containsKey(o.longestName())
                || !arg.command().mixins().containsKey("client")) {
            return null;
        }
        String fromEnv = env.get(VARIABLES.get(o.longestName()));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        Profile p = current();
        if (p == null) {
            return null;
        }
        return switch (o.longestName()) {
            case "--server" -> p.server();
            // A pin given by the environment or the command line is not mixed with the profile's CA.
            case "--pin" -> env.containsKey("KEYROOM_CA") ? null : p.pin();
            case "--ca" -> env.containsKey("KEYROOM_PIN") ? null : p.ca();
            default -> p.identity();
        };
    }

    /** The profile in use: KEYROOM_PROFILE's, which must exist, or {@code default} when there is one. */
    Profile current() throws IOException {
        if (!loaded) {
            String named = env.get("KEYROOM_PROFILE");
            String name = named == null || named.isBlank() ? "default" : named;
            profile = read(name, named != null && !named.isBlank());
            loaded = true;
        }
        return profile;
    }

    Path file(String name) {
        if (!name.matches("[A-Za-z0-9._-]{1,64}") || name.startsWith(".")) {
            throw new CliFailure(
                    CliFailure.Code.PROFILE_INVALID,
                    "a profile name is letters, digits, '.', '_' or '-', not '" + name + "'",
                    null);
        }
        return home().resolve("profiles").resolve(name + ".json");
    }

    Path home() {
        String own = env.get("KEYROOM_CONFIG_HOME");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "keyroom");
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config", "keyroom");
    }

    private Profile read(String name, boolean required) throws IOException {
        Path f = file(name);
        try {
            return Json.read(Files.readAllBytes(f), Profile.class);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new CliFailure(
                        CliFailure.Code.PROFILE_INVALID,
                        "KEYROOM_PROFILE names '" + name + "', but there is no " + f,
                        "save it with 'keyroom login --name " + name + " --server URL --pin PIN --identity FILE'");
            }
            return null;
        } catch (RuntimeException e) {
            throw new CliFailure(
                    CliFailure.Code.PROFILE_INVALID,
                    "the profile " + f + " cannot be read: " + Failures.sentence(e),
                    "save it again with 'keyroom login'",
                    e);
        }
    }

    /** Saves {@code p} as {@code name}, replacing it, mode 0600. */
    Path save(String name, Profile p) throws IOException {
        Path f = file(name);
        KeyFiles.writeSecret(f, Json.writeString(p).getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        return f;
    }
}

package dev.keyroom.cli;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.server.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import picocli.CommandLine;

/**
 * The CLI's one error vocabulary: every failure becomes a {@link CliFailure} (a stable code, what
 * happened, what to do) printed as {@code keyroom: [code] what} plus a hint line, or as JSON on
 * standard error under {@code --json}; and an exit code. No stack traces.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        return report(explain(e, null), cl.getErr(), json(parsed));
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        boolean json = Arrays.asList(args).contains("--json");
        if (ex.getCause() instanceof CliFailure f) {
            // Thrown while reading a default: a profile that cannot be used.
            return report(f, cl.getErr(), json);
        }
        String name = cl.getCommandSpec().qualifiedName();
        CliFailure f = new CliFailure(
                CliFailure.Code.USAGE, ex.getMessage(), "see '" + name + " --help' for its options and an example");
        return report(f, cl.getErr(), json);
    }

    /** Prints {@code f} and returns its exit code. */
    static int report(CliFailure f, PrintWriter err, boolean json) {
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", f.code());
            body.put("message", f.getMessage());
            if (!f.details().isEmpty()) {
                body.put("details", f.details());
            }
            if (f.hint() != null) {
                body.put("hint", f.hint());
            }
            body.put("exit_code", f.exit());
            err.println(dev.keyroom.protocol.Json.writeString(Map.of("error", body)));
        } else {
            err.println("keyroom: [" + f.code() + "] " + f.getMessage());
            f.details().forEach(d -> err.println("  - " + d));
            if (f.hint() != null) {
                err.println("  " + f.hint());
            }
        }
        err.flush();
        return f.exit();
    }

    private static boolean json(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult at = parsed;
        while (at.subcommand() != null) {
            at = at.subcommand();
        }
        return at.hasMatchedOption("--json");
    }

    /**
     * What {@code e} means for the person at the shell; {@code server} names the server the command
     * talked to, when known, for the messages about reaching it.
     */
    static CliFailure explain(Throwable e, String server) {
        if (e instanceof CliFailure f) {
            return f;
        }
        String at = server != null ? server : "the server";
        CliFailure network = network(e, at);
        if (network != null) {
            return network;
        }
        return switch (e) {
            case KeyroomApiException api -> refused(api);
            case ConfigException c ->
                new CliFailure(
                                CliFailure.Code.CONFIG_INVALID,
                                c.problems().size() == 1
                                        ? "the configuration has a problem:"
                                        : "the configuration has "
                                                + c.problems().size() + " problems:",
                                "fix them and check the file with 'keyroom config check FILE'")
                        .withDetails(c.problems());
            case KeyFiles.InsecureKeyFileException k ->
                new CliFailure(CliFailure.Code.IDENTITY_INSECURE, k.getMessage(), "chmod 600 the file");
            case KeyroomException k
            when k.code() == ErrorCode.BAD_REQUEST -> new CliFailure(CliFailure.Code.BAD_INPUT, k.getMessage(), null);
            case KeyroomException k -> new CliFailure(CliFailure.Code.FAILED, k.getMessage(), null);
            case IllegalArgumentException x -> new CliFailure(CliFailure.Code.BAD_INPUT, x.getMessage(), null);
            case NoSuchFileException x ->
                new CliFailure(CliFailure.Code.FILE_ERROR, "no such file: " + x.getFile(), null);
            case FileAlreadyExistsException x ->
                new CliFailure(CliFailure.Code.FILE_ERROR, "the file exists already: " + x.getFile(), null);
            case AccessDeniedException x ->
                new CliFailure(CliFailure.Code.FILE_ERROR, "permission denied: " + x.getFile(), null);
            case IOException x -> new CliFailure(CliFailure.Code.FILE_ERROR, sentence(x), null);
            case UncheckedIOException x -> new CliFailure(CliFailure.Code.FAILED, sentence(x), null);
            default -> new CliFailure(CliFailure.Code.FAILED, sentence(e), null);
        };
    }

    /** A refusal by the server, under the server's own code. */
    static CliFailure refused(KeyroomApiException api) {
        String hint = switch (api.code()) {
            case UNAUTHORIZED ->
                "the identity may be revoked or not registered on this server: ask an admin"
                        + " ('keyroom user list'), or check --identity";
            case FORBIDDEN -> "this identity's role or room membership does not allow it";
            case NOT_FOUND -> "check the name or id; you see only what you are a member of";
            case RATE_LIMITED, OVERLOADED -> "try again in a moment";
            default -> null;
        };
        String what = "the server refused: " + api.getMessage().replaceFirst("^\\d+ [a-z_]+: ", "");
        return new CliFailure(api.code().wireName(), Main.EXIT_FAILED, what, hint, api);
    }

    /** A failure to reach or trust the server, or null when {@code e} is not one. */
    static CliFailure network(Throwable e, String at) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && chain.size() < 20; t = t.getCause()) {
            chain.add(t);
        }
        boolean transport = chain.stream()
                .anyMatch(t -> t instanceof UncheckedIOException
                        || t instanceof java.util.concurrent.ExecutionException
                        || t instanceof java.util.concurrent.CompletionException
                        || t instanceof SSLException
                        || t instanceof ConnectException);
        if (!transport) {
            return null;
        }
        for (Throwable t : chain) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof ConnectException) {
                return new CliFailure(
                        CliFailure.Code.SERVER_UNREACHABLE,
                        "nothing answers at " + at + " (connection refused)",
                        "start it ('keyroom server --data DIR'), or check --server (or the profile's server)",
                        e);
            }
            if (t instanceof UnknownHostException) {
                return new CliFailure(
                        CliFailure.Code.SERVER_UNREACHABLE,
                        "cannot resolve the host of " + at + " (" + m + ")",
                        "check the host name in --server",
                        e);
            }
            if (t instanceof HttpTimeoutException) {
                return new CliFailure(
                        CliFailure.Code.SERVER_TIMEOUT,
                        "no answer from " + at + " in time",
                        "check that the server is up and reachable from here",
                        e);
            }
            if (m.contains("does not match the pinned key")) {
                return new CliFailure(
                        CliFailure.Code.TLS_UNTRUSTED,
                        "the server at " + at + " does not hold the pinned key",
                        "check --pin against the 'tls pin' line the server printed;"
                                + " a different server may be answering there",
                        e);
            }
            if (m.contains("PKIX") || m.contains("unable to find valid certification path")) {
                return new CliFailure(
                        CliFailure.Code.TLS_UNTRUSTED,
                        "the certificate of " + at + " is not trusted here",
                        "give --pin with the 'tls pin' line the server printed (or --ca for a CA-signed one)",
                        e);
            }
            if (m.contains("status line") || m.contains("Invalid HTTP")) {
                return new CliFailure(
                        CliFailure.Code.TLS_EXPECTED,
                        "the server at " + at + " speaks TLS, not plain HTTP",
                        "use an https:// URL in --server",
                        e);
            }
            if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
                return new CliFailure(
                        CliFailure.Code.TLS_UNEXPECTED,
                        "the server at " + at + " does not speak TLS",
                        "use an http:// URL in --server (it runs with --insecure-plaintext)",
                        e);
            }
        }
        return new CliFailure(
                CliFailure.Code.CONNECTION_FAILED,
                "the connection to " + at + " failed: " + sentence(e),
                "check --server and that the server is up",
                e);
    }

    /** A failure to bind the listener, or null when {@code e} is not one. */
    static BindException bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b) {
                return b;
            }
        }
        return null;
    }

    /** What went wrong in words: the message, or the first one among the causes, or the kind of failure. */
    static String sentence(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}

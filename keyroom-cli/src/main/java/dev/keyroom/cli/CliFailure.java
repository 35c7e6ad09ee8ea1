package dev.keyroom.cli;

/**
 * A failure the CLI explains: a stable code, what happened and what to do about it. {@link
 * Failures} prints it as {@code keyroom: [code] what} and, on a second line, the hint; or, with
 * {@code --json}, as one JSON object on standard error. The codes and exit codes are listed in
 * docs/cli.md.
 */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The stable codes, each with its exit code. */
    enum Code {
        USAGE(Main.EXIT_USAGE),
        UNKNOWN_COMMAND(Main.EXIT_USAGE),
        BAD_INPUT(Main.EXIT_USAGE),
        CONFIG_INVALID(Main.EXIT_USAGE),
        IDENTITY_MISSING(Main.EXIT_USAGE),
        IDENTITY_INVALID(Main.EXIT_USAGE),
        IDENTITY_INSECURE(Main.EXIT_USAGE),
        PROFILE_INVALID(Main.EXIT_USAGE),
        ROOM_AMBIGUOUS(Main.EXIT_USAGE),
        ROOM_UNKNOWN(Main.EXIT_USAGE),
        FILE_ERROR(Main.EXIT_USAGE),
        PORT_IN_USE(Main.EXIT_USAGE),
        PROGRAM_NOT_STARTED(127),
        GATEWAY_NOT_STARTED(Main.EXIT_FAILED),
        SERVER_UNREACHABLE(Main.EXIT_UNREACHABLE),
        SERVER_TIMEOUT(Main.EXIT_UNREACHABLE),
        TLS_UNTRUSTED(Main.EXIT_UNREACHABLE),
        TLS_EXPECTED(Main.EXIT_UNREACHABLE),
        TLS_UNEXPECTED(Main.EXIT_UNREACHABLE),
        CONNECTION_FAILED(Main.EXIT_UNREACHABLE),
        FAILED(Main.EXIT_FAILED);

        final int exit;

        Code(int exit) {
            this.exit = exit;
        }

        /** The code as printed: lower case with underscores. */
        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String code;
    private final int exit;
    private final String hint;
    private java.util.List<String> details = java.util.List.of();

    CliFailure(Code code, String what, String hint) {
        this(code.wire(), code.exit, what, hint, null);
    }

    CliFailure(Code code, String what, String hint, Throwable cause) {
        this(code.wire(), code.exit, what, hint, cause);
    }

    /** A failure under a code of the server's own catalogue (a refusal), or one of {@link Code}. */
    CliFailure(String code, int exit, String what, String hint, Throwable cause) {
        super(what, cause);
        this.code = code;
        this.exit = exit;
        this.hint = hint;
    }

    /** The stable code, e.g. {@code server_unreachable} or the server's {@code forbidden}. */
    String code() {
        return code;
    }

    int exit() {
        return exit;
    }

    /** The same failure listing {@code details}, one a line (e.g. every problem of a config file). */
    CliFailure withDetails(java.util.List<String> details) {
        this.details = java.util.List.copyOf(details);
        return this;
    }

    java.util.List<String> details() {
        return details;
    }

    /** What to do, or null when the message says it already. */
    String hint() {
        return hint;
    }
}

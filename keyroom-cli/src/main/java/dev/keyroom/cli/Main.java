package dev.keyroom.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code keyroom} command. */
@Command(
        name = "keyroom",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Zero-trust credential vault and end-to-end-encrypted message bus for machine identities.",
        subcommands = {
            KeygenCommand.class,
            InitCommand.class,
            ServerCommand.class,
            GatewayCommand.class,
            RunCommand.class,
            McpCommand.class,
            MigrateCommand.class,
            SiteCommand.class,
            ConfigCommand.class,
            WhoamiCommand.class,
            UserCommand.class,
            RoomCommand.class,
            SendCommand.class,
            HistoryCommand.class,
            TailCommand.class,
            BlobCommand.class,
            DemoCommand.class,
            AuditCommand.class,
            SecretCommand.class,
            GrantCommand.class,
            KeyringCommand.class,
            ConsoleCommand.class,
        })
public final class Main {
    /** Exit code for a refusal by the server or a failed check. */
    public static final int EXIT_FAILED = 1;
    /** Exit code for bad usage or a bad configuration. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a server that could not be reached or trusted. */
    public static final int EXIT_UNREACHABLE = 3;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("server")) {
            System.setProperty("keyroom.log.level", System.getProperty("keyroom.log.level", "INFO"));
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting (for tests). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams and returns its exit code. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return run(out, err, System.getenv(), args);
    }

    /** As above, with {@code env} as the environment (the KEYROOM_* variables, where profiles live). */
    public static int run(
            java.io.PrintWriter out, java.io.PrintWriter err, java.util.Map<String, String> env, String... args) {
        CommandLine cl = commandLine(env);
        cl.setOut(out);
        cl.setErr(err);
        Failures failures = new Failures();
        cl.setExecutionExceptionHandler(failures);
        cl.setParameterExceptionHandler(failures);
        // Everything after the program's name is the program's own: keyroom run ... curl -sS URL.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl.execute(args);
    }

    /**
     * The command model: the commands above plus {@code help} and {@code completion}, each with
     * {@code -h}/{@code --help} and an example from {@link Examples}.
     */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    static CommandLine commandLine(java.util.Map<String, String> env) {
        CommandLine cl = new CommandLine(new Main());
        LoginCommand login = new LoginCommand();
        login.env = env;
        cl.addSubcommand(new CommandLine(login));
        cl.addSubcommand(new CommandLine(new StatusCommand()));
        cl.addSubcommand(new CommandLine(new HelpCommand()));
        cl.addSubcommand(new CommandLine(new CompletionCommand()));
        Examples.addTo(cl);
        // After every subcommand is added: the provider is handed down the tree as it is now.
        cl.setDefaultValueProvider(new Profiles(env));
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"keyroom " + dev.keyroom.server.KeyroomServer.VERSION};
        }
    }
}

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
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Failures());
        // Everything after the program's name is the program's own: keyroom run ... curl -sS URL.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"keyroom " + dev.keyroom.server.KeyroomServer.VERSION};
        }
    }
}

package dev.keyroom.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keyroom help [COMMAND [SUBCOMMAND...]]}: the same help as {@code COMMAND SUBCOMMAND --help}. */
@Command(name = "help", description = "Show the help of a command or subcommand, with an example.")
final class HelpCommand extends KeyroomCommand {
    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "A command and its subcommands, e.g. room create")
    List<String> path = List.of();

    @Override
    public Integer call() {
        CommandLine at = spec.commandLine().getParent();
        for (String name : path) {
            CommandLine next = at.getSubcommands().get(name);
            if (next == null) {
                throw new CliFailure(
                        CliFailure.Code.UNKNOWN_COMMAND,
                        "no command '" + name + "' under '"
                                + at.getCommandSpec().qualifiedName() + "'",
                        "run '" + at.getCommandSpec().qualifiedName() + " --help' for the list");
            }
            at = next;
        }
        at.usage(out());
        out().flush();
        return 0;
    }
}

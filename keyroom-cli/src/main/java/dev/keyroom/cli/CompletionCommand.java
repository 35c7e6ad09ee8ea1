package dev.keyroom.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Shell completion generated from the command model by picocli: one script, which bash loads as
 * is and zsh through its bash-completion layer ({@code bashcompinit}, switched on by the script).
 */
@Command(
        name = "completion",
        description = "Print a completion script for bash or zsh, generated from the commands themselves.")
final class CompletionCommand extends KeyroomCommand {
    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CliFailure(CliFailure.Code.BAD_INPUT, "no completion for '" + shell + "'", "give bash or zsh");
        }
        String script = AutoComplete.bash("keyroom", spec.commandLine().getParent());
        if (shell.equals("zsh")) {
            // picocli's script loads zsh's bash-completion layer itself when it runs in zsh.
            script = "#compdef keyroom\n" + script;
        }
        out().print(script);
        out().flush();
        return 0;
    }
}

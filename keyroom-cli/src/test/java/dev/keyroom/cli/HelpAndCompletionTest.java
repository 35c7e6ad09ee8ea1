package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Help on every command and subcommand, three ways, each with an example; completion scripts that complete. */
class HelpAndCompletionTest {
    @TempDir
    Path dir;

    /** Every command's path below {@code keyroom}, e.g. [room, create]. */
    static List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), all);
        return all;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> all) {
        all.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> next = new ArrayList<>(path);
            next.add(name);
            walk(sub, next, all);
        });
    }

    @Test
    void everyCommand_hasHelpThreeWays_withAnExample() {
        List<List<String>> all = commands();
        assertThat(all).hasSizeGreaterThan(50).contains(List.of("room", "create"), List.of("completion"));
        for (List<String> path : all) {
            String name = String.join(" ", path);
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliTest.Result help = CliTest.run(args.toArray(String[]::new));
            assertThat(help.code()).as(name + " --help: " + help.err()).isZero();
            assertThat(help.out())
                    .as(name)
                    .startsWith("Usage: keyroom" + (path.isEmpty() ? "" : " " + name))
                    .containsPattern("Examples?:\n  (printf .* \\| |source <\\()?keyroom ");
            args.set(args.size() - 1, "-h");
            assertThat(CliTest.run(args.toArray(String[]::new)).out())
                    .as(name + " -h")
                    .isEqualTo(help.out());
            List<String> viaHelp = new ArrayList<>(List.of("help"));
            viaHelp.addAll(path);
            CliTest.Result h = CliTest.run(viaHelp.toArray(String[]::new));
            assertThat(h.code()).as("help " + name).isZero();
            assertThat(h.out()).as("help " + name).isEqualTo(help.out());
        }
    }

    @Test
    void help_ofAnUnknownCommand_saysWhereToLook() {
        CliTest.Result r = CliTest.run("help", "room", "nope");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err())
                .isEqualTo("keyroom: [unknown_command] no command 'nope' under 'keyroom room'\n"
                        + "  run 'keyroom room --help' for the list\n");
    }

    @Test
    void bashCompletion_completesSubcommandsAndOptions() throws Exception {
        Path script = script("bash");
        assertThat(complete("bash", script, "keyroom", "room", "")).contains("create", "list", "invite", "retention");
        assertThat(complete("bash", script, "keyroom", "secret", "get", "--o")).contains("--out");
    }

    @Test
    void zshCompletion_completesSubcommands() throws Exception {
        Path script = script("zsh");
        assertThat(Files.readString(script)).startsWith("#compdef keyroom\n");
        assertThat(complete("zsh", script, "keyroom", "secret", "")).contains("put", "get", "ls", "rm", "history");
    }

    @Test
    void completion_forAnotherShell_isRefused() {
        CliTest.Result r = CliTest.run("completion", "fish");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("keyroom: [bad_input] no completion for 'fish'\n  give bash or zsh");
    }

    private Path script(String shell) throws IOException {
        CliTest.Result r = CliTest.run("completion", shell);
        assertThat(r.code()).isZero();
        Path f = dir.resolve("keyroom." + shell);
        Files.writeString(f, r.out());
        return f;
    }

    /** Asks the shell's completion function what it offers for {@code words}, the last being typed. */
    private static List<String> complete(String shell, Path script, String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append('\'').append(w).append("' ");
        }
        String line = String.join(" ", words);
        String body = (shell.equals("zsh") ? "autoload -U compinit && compinit -u; " : "")
                + "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_keyroom keyroom '"
                + words[words.length - 1] + "' '" + words[words.length - 2] + "'; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder(shell, "-c", body)
                .redirectErrorStream(true)
                .directory(script.getParent().toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}

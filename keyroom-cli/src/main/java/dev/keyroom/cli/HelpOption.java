package dev.keyroom.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every command and subcommand; {@link Main} mixes it into each one. */
final class HelpOption {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help, with an example, and exit")
    boolean help;
}

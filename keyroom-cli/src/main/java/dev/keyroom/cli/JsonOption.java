package dev.keyroom.cli;

import picocli.CommandLine.Option;

/**
 * The plain {@code --json} switch ("Print JSON") of the client commands and {@code init}; the
 * commands whose help says what the JSON holds declare their own.
 */
final class JsonOption {
    @Option(names = "--json", description = "Print JSON")
    boolean json;
}

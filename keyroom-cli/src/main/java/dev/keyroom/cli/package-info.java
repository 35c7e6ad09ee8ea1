/** The {@code keyroom} command line: one class per command, all output through {@link dev.keyroom.cli.Output}. */
package dev.keyroom.cli;

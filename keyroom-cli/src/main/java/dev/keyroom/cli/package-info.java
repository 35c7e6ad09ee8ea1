/**
 * The {@code keyroom} command line: {@link dev.keyroom.cli.Main} and one class per command, all
 * output through {@link dev.keyroom.cli.Output}. Imports picocli, the SDK ({@code client}), core's
 * and the protocol's packages, Jackson, and for the commands that run or inspect a node {@code
 * server}, {@code server.config}, {@code server.audit} and {@code store.nats}.
 */
package dev.keyroom.cli;

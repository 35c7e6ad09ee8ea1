/**
 * The {@code keyroom} command line: {@link dev.keyroom.cli.Main} and one class per command, each a
 * {@link dev.keyroom.cli.KeyroomCommand}, which prints the result as text or JSON. Imports picocli,
 * the SDK ({@code client}), core's and the protocol's packages, Jackson, and for the commands that
 * run or inspect a node {@code server}, {@code server.config}, {@code server.audit} and {@code
 * store.nats}.
 */
package dev.keyroom.cli;

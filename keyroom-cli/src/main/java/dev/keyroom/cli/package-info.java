/**
 * The {@code keyroom} command line: one class per command, all output through {@link
 * dev.keyroom.cli.KeyroomCommand}.
 */
package dev.keyroom.cli;

package dev.keyroom.cli;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.server.config.ConfigException;
import picocli.CommandLine;

/** Turns failures into one clear line on standard error and an exit code; no stack traces. */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        var err = cl.getErr();
        switch (e) {
            case KeyroomApiException api -> {
                err.println("keyroom: refused: " + api.getMessage());
                return Main.EXIT_FAILED;
            }
            case dev.keyroom.core.error.KeyroomException k -> {
                err.println("keyroom: " + k.getMessage());
                return k.code() == dev.keyroom.core.error.ErrorCode.BAD_REQUEST ? Main.EXIT_USAGE : Main.EXIT_FAILED;
            }
            case ConfigException c -> {
                for (String p : c.problems()) {
                    err.println("keyroom: config: " + p);
                }
                return Main.EXIT_USAGE;
            }
            case KeyFiles.InsecureKeyFileException k -> {
                err.println("keyroom: " + k.getMessage());
                return Main.EXIT_USAGE;
            }
            case IllegalArgumentException x -> {
                err.println("keyroom: " + x.getMessage());
                return Main.EXIT_USAGE;
            }
            case java.io.IOException x -> {
                err.println("keyroom: " + x.getMessage());
                return Main.EXIT_USAGE;
            }
            case java.io.UncheckedIOException x -> {
                err.println("keyroom: " + x.getMessage());
                return Main.EXIT_FAILED;
            }
            default -> {
                err.println("keyroom: failed: " + e);
                return Main.EXIT_FAILED;
            }
        }
    }

    /** What went wrong in words: the message, or the first one among the causes, or the kind of failure. */
    static String sentence(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}

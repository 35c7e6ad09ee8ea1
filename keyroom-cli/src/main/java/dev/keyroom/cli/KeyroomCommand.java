package dev.keyroom.cli;

import dev.keyroom.protocol.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of the commands that run: picocli hands each its spec, and through it the command
 * line's own streams, which {@link Main#run(PrintWriter, PrintWriter, String...)} and the tests
 * set; printing a result as JSON or as lines for people happens here, the one way.
 */
abstract class KeyroomCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The command line's standard output. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command line's standard error. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code value} as JSON when {@code json}, else the {@code human} line(s); then flushes. */
    void print(boolean json, Object value, String human) {
        PrintWriter out = out();
        out.println(json ? Json.writeString(value) : human);
        out.flush();
    }
}

package dev.keyroom.cli;

import dev.keyroom.protocol.Json;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Printing: JSON with {@code --json}, short human lines otherwise. */
final class Output {
    private Output() {}

    static void print(CommandLine.Model.CommandSpec spec, boolean json, Object value, String human) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? Json.writeString(value) : human);
        out.flush();
    }
}

package dev.keyroom.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The example at the foot of each command's help, from {@code examples.txt} next to this class: a
 * line naming a command ({@code keyroom room create}) and the indented example lines under it.
 */
final class Examples {
    private static final Map<String, List<String>> EXAMPLES = load();

    private Examples() {}

    /** Mixes {@code -h}/{@code --help} into every command below {@code root} and sets each one's example. */
    static void addTo(CommandLine root) {
        visit(root);
    }

    /** The example lines of a command, by qualified name; empty when it has none. */
    static List<String> of(String qualifiedName) {
        return EXAMPLES.getOrDefault(qualifiedName, List.of());
    }

    private static void visit(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption()));
        }
        List<String> example = of(spec.qualifiedName());
        if (!example.isEmpty()) {
            List<String> footer = new ArrayList<>();
            footer.add("");
            footer.add(example.size() == 1 ? "Example:" : "Examples:");
            // The footer is a format string: a % in an example must stay a %.
            example.forEach(line -> footer.add("  " + line.replace("%", "%%")));
            spec.usageMessage().footer(footer.toArray(String[]::new));
        }
        cl.getSubcommands().values().forEach(Examples::visit);
    }

    private static Map<String, List<String>> load() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(Examples.class.getResourceAsStream("examples.txt"), StandardCharsets.UTF_8))) {
            String command = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith(" ")) {
                    m.computeIfAbsent(command, k -> new ArrayList<>()).add(line.strip());
                } else {
                    command = line.strip();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}

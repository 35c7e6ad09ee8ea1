package dev.keyroom.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The production sources of every module of the checkout, for tests that guard the code itself. */
public final class MainSources {
    private MainSources() {}

    /** One file under a module's {@code src/main/java}, with its text. */
    public record Source(String module, Path file, String text) {}

    /** Every source file of every {@code keyroom-*} module, module by module. */
    public static List<Source> read() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Source> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.filter(p -> p.getFileName().toString().startsWith("keyroom-"))
                    .sorted()
                    .toList()) {
                Path main = m.resolve("src/main/java");
                if (!Files.isDirectory(main)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java"))
                            .sorted()
                            .toList()) {
                        out.add(new Source(m.getFileName().toString(), f, Files.readString(f)));
                    }
                }
            }
        }
        return out;
    }
}

package dev.keyroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout rules of docs/architecture.md, held over the production sources of every module, so
 * that a change that breaks one fails here rather than in a later reading.
 */
class ArchitectureTest {
    static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** Any reference to a Keyroom type by its qualified name: imports, and names spelled out in code. */
    static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.keyroom(?:\\.[a-z_0-9]+)+)\\.[A-Z]\\w*");

    /** A production source file and the package it declares. */
    record Source(String module, Path file, String pkg, String text) {}

    static List<Source> sources;

    @BeforeAll
    static void readSources() throws IOException {
        sources = new ArrayList<>();
        for (MainSources.Source s : MainSources.read()) {
            Matcher pkg = PACKAGE.matcher(s.text());
            assertThat(pkg.find()).as("%s declares its package", s.file()).isTrue();
            sources.add(new Source(s.module(), s.file(), pkg.group(1), s.text()));
        }
        assertThat(sources).hasSizeGreaterThan(300);
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        Map<String, Set<String>> edges = new TreeMap<>();
        Set<String> packages = new TreeSet<>();
        sources.forEach(s -> packages.add(s.pkg()));
        for (Source s : sources) {
            Matcher m = QUALIFIED.matcher(s.text());
            while (m.find()) {
                String target = m.group(1);
                if (packages.contains(target) && !target.equals(s.pkg())) {
                    edges.computeIfAbsent(s.pkg(), k -> new TreeSet<>()).add(target);
                }
            }
        }
        assertThat(circles(packages, edges)).as("package circles").isEmpty();
    }

    @Test
    void noProductionFileIsOver400Lines() {
        List<String> tooLong = new ArrayList<>();
        for (Source s : sources) {
            long lines = s.text().lines().count();
            if (lines > 400) {
                tooLong.add(s.file().getFileName() + " (" + lines + ")");
            }
        }
        assertThat(tooLong)
                .as("files over 400 lines: split them by what they do")
                .isEmpty();
    }

    @Test
    void theCoreImportsNothingOfJettySqlOrNats() {
        List<String> offenders = new ArrayList<>();
        for (Source s : sources) {
            if (s.module().equals("keyroom-core")
                    && Pattern.compile("\\b(org\\.eclipse\\.jetty|java\\.sql|io\\.nats)\\.")
                            .matcher(s.text())
                            .find()) {
                offenders.add(s.file().getFileName().toString());
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void noCodeOutsideTheStoresNamesOrCastsToAConcreteStorePort() {
        // Outside the store modules, code reaches the store through core's ports; composing a
        // backend (opening a SqliteStore or a JetStreamStore) is allowed, downcasting is not.
        Pattern cast = Pattern.compile("\\(\\s*(Sqlite|JetStream|Replicated)\\w*\\s*\\)\\s*\\w");
        List<String> offenders = new ArrayList<>();
        for (Source s : sources) {
            if (!s.module().startsWith("keyroom-store-")
                    && cast.matcher(s.text()).find()) {
                offenders.add(s.file().getFileName().toString());
            }
        }
        assertThat(offenders).isEmpty();
    }

    /** The strongly connected components of more than one package (Tarjan's algorithm). */
    static List<Set<String>> circles(Set<String> nodes, Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String start : nodes) {
            if (!index.containsKey(start)) {
                connect(start, edges, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(
            String v,
            Map<String, Set<String>> edges,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> out,
            int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }

    @Test
    void theCircleFinderFindsACircle() {
        // The check above must be able to fail: a -> b -> c -> a is one circle, d stands alone.
        Map<String, Set<String>> edges = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"));
        assertThat(circles(new TreeSet<>(Set.of("a", "b", "c", "d")), edges)).containsExactly(Set.of("a", "b", "c"));
    }
}

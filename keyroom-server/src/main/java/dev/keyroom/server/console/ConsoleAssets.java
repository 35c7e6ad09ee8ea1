package dev.keyroom.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's page, styles and scripts, read once from the server's jar: plain HTML, CSS and ES
 * modules, no build step, nothing from another origin. The page itself is answered for each of the
 * console's paths ({@code /console/}, {@code /console/users}, ...): it routes in the browser.
 */
final class ConsoleAssets {
    /**
     * A file as served, with its entity tag (a hash of its bytes): browsers may keep the files and
     * ask whether they changed ({@code Cache-Control: no-cache}), which lets them keep the compiled
     * scripts too; the API's answers are never kept ({@code no-store}).
     */
    record Asset(byte[] bytes, String type, String etag) {
        Asset(byte[] bytes, String type) {
            this(
                    bytes,
                    type,
                    "\"" + dev.keyroom.core.crypto.Base64Url.encode(dev.keyroom.core.crypto.Digests.sha256(bytes))
                            + "\"");
        }
    }

    static final String ROOT = "/console/";
    static final String PREFIX = "/console/assets/";
    static final List<String> PAGES = List.of("", "users", "rooms", "audit", "limits");
    static final List<String> FILES = List.of(
            "console.css",
            "favicon.svg",
            "app.js",
            "api.js",
            "dom.js",
            "charts.js",
            "overview.js",
            "users.js",
            "rooms.js",
            "audit.js",
            "limits.js");

    private final Map<String, Asset> byPath = new HashMap<>();

    ConsoleAssets() {
        Asset page = new Asset(read("index.html"), "text/html; charset=utf-8");
        for (String p : PAGES) {
            byPath.put(ROOT + p, page);
        }
        for (String f : FILES) {
            byPath.put(PREFIX + f, new Asset(read(f), typeOf(f)));
        }
    }

    Optional<Asset> find(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    private static String typeOf(String file) {
        if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (file.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (file.endsWith(".svg")) {
            return "image/svg+xml";
        }
        throw new IllegalArgumentException("no type for " + file);
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("assets/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

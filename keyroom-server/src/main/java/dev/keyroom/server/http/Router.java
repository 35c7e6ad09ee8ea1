package dev.keyroom.server.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Maps a method and a raw path to a route. Patterns are literal segments, {@code {name}}
 * captures of one segment, and a last {@code {name...}} that captures the rest of the path (one or
 * more non-empty segments, joined by {@code /}). Every route is declared with its access: only the health check and
 * the API's description are public, everything else needs an authenticated caller (deny by default, AZ-5, AUTH-6),
 * and the server-wide administration routes an admin, which the handler checks before the route runs.
 */
public final class Router {
    /** Who may reach a route before the route's own checks. */
    public enum Access {
        /** Anyone, unsigned; only outside {@code /v1/}, where every request is signed. */
        PUBLIC,
        /** Any authenticated user; the route's own checks (room roles, ...) follow. */
        AUTHENTICATED,
        /** An authenticated user whose role is admin (AZ-5). */
        ADMIN
    }

    public record Route(String method, String pattern, Access access, Function<Call, Reply> handler) {}

    /** The outcome of a lookup. */
    public sealed interface Match {
        record Found(Route route, Map<String, String> params) implements Match {}

        record NotFound() implements Match {}

        record WrongMethod() implements Match {}
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String pattern, Access access, Function<Call, Reply> handler) {
        routes.add(new Route(method, pattern, access, handler));
        return this;
    }

    /** Adds an authenticated route. */
    public Router add(String method, String pattern, Function<Call, Reply> handler) {
        return add(method, pattern, Access.AUTHENTICATED, handler);
    }

    /** The routes as declared, in order: what the node serves, for its description and its tests. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public Match match(String method, String rawPath) {
        String[] path = split(rawPath);
        boolean pathMatched = false;
        for (Route r : routes) {
            Map<String, String> params = bind(split(r.pattern()), path);
            if (params != null) {
                if (r.method().equals(method)) {
                    return new Match.Found(r, params);
                }
                pathMatched = true;
            }
        }
        return pathMatched ? new Match.WrongMethod() : new Match.NotFound();
    }

    private static String[] split(String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return new String[0];
        }
        return (path.startsWith("/") ? path.substring(1) : path).split("/", -1);
    }

    private static Map<String, String> bind(String[] pattern, String[] path) {
        boolean rest = pattern.length > 0 && pattern[pattern.length - 1].endsWith("...}");
        if (rest ? path.length < pattern.length : pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (rest && i == pattern.length - 1) {
                for (int j = i; j < path.length; j++) {
                    if (path[j].isEmpty()) {
                        return null;
                    }
                }
                params.put(
                        p.substring(1, p.length() - 4),
                        String.join("/", java.util.Arrays.copyOfRange(path, i, path.length)));
                return params;
            }
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }
}

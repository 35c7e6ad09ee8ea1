package dev.keyroom.gateway;

import java.util.regex.Pattern;

/**
 * The request path a grant's prefixes are matched against (GW-2). Only a path that every HTTP stack
 * reads the same way is forwarded: no dot segments, no empty segments, no encoded slash, backslash,
 * dot or NUL, nothing outside RFC 3986's path characters. Anything else is refused rather than
 * normalised, so the prefix the gateway checked is the path the upstream serves.
 */
final class SafePath {
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@/%-]{0,4095}");
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})|%2[fFeE]|%5[cC]|%00");
    /** RFC 3986's query: pchar, '/' and '?', every '%' starting an escape. */
    private static final Pattern QUERY = Pattern.compile("(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*");

    private SafePath() {}

    /** {@code raw} when it is safe to match and forward; a 400 refusal otherwise. */
    static String check(String raw) {
        if (raw == null
                || !PATH.matcher(raw).matches()
                || BAD_ESCAPE.matcher(raw).find()
                || raw.contains("//")) {
            throw new Refusal(400, "bad_path", "the request path is not in the plain form the gateway forwards");
        }
        for (String segment : raw.split("/", -1)) {
            // "..;x" is ".." to servers that strip path parameters before resolving dot segments.
            int semicolon = segment.indexOf(';');
            String bare = semicolon < 0 ? segment : segment.substring(0, semicolon);
            if (bare.equals(".") || bare.equals("..")) {
                throw new Refusal(400, "bad_path", "the request path has a '.' or '..' segment");
            }
        }
        return raw;
    }

    /**
     * Refuses a query outside RFC 3986's characters or with a broken escape: the upstream URL is built
     * from it (with an injected parameter after it), and what a URI parser refuses must fail here,
     * with a message of ours, rather than there with one that quotes the URL.
     */
    static void checkQuery(String rawQuery) {
        if (rawQuery != null && !QUERY.matcher(rawQuery).matches()) {
            throw new Refusal(
                    400, "bad_query", "the query has characters a URL cannot hold or a broken %-escape; encode them");
        }
    }

    /**
     * The method a {@code _method} query parameter asks the upstream to run instead (as Rails,
     * Laravel and Express's method-override read it), upper-cased; empty when there is none.
     */
    static java.util.List<String> methodOverrides(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            if (name.equalsIgnoreCase("_method")) {
                out.add(eq < 0 ? "" : part.substring(eq + 1).toUpperCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    /** The query's parameter names without their values, for the audit log: {@code ?a&b}. */
    static String queryNames(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("?");
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            if (out.length() > 1) {
                out.append('&');
            }
            out.append(eq < 0 ? part : part.substring(0, eq));
        }
        return out.toString();
    }
}

package dev.keyroom.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment {@code keyroom run} gives the program it starts: the parent's, minus what belongs
 * to Keyroom ({@code KEYROOM_*}, which may name an identity) and minus any proxy the parent had
 * (a call that bypassed the gateway would go without its credential, or leak through another
 * proxy), plus the gateway as the proxy of every common HTTP client and its CA as their trust.
 */
final class AgentEnvironment {
    /** The variables that name the proxy, in both the spellings clients read. */
    static final List<String> PROXY_VARIABLES = List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy");

    /** The variables through which common HTTP clients (OpenSSL, Python requests, Node, curl) take a CA. */
    static final List<String> CA_VARIABLES =
            List.of("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE");

    private AgentEnvironment() {}

    /** {@code parent} made into the program's environment: through {@code gateway}, as the session's user. */
    static Map<String, String> of(
            Map<String, String> parent, URI gateway, String proxyUser, String credential, Path caFile) {
        Map<String, String> env = new TreeMap<>(parent);
        env.keySet().removeIf(AgentEnvironment::dropped);
        String proxy = proxyUrl(gateway, proxyUser, credential);
        for (String name : PROXY_VARIABLES) {
            env.put(name, proxy);
        }
        // Empty, so that no host is exempted from the gateway by a list the parent had.
        env.put("NO_PROXY", "");
        env.put("no_proxy", "");
        for (String name : CA_VARIABLES) {
            env.put(name, caFile.toAbsolutePath().toString());
        }
        return env;
    }

    /** {@code scheme://user:credential@host:port}, the scheme being the gateway's own. */
    static String proxyUrl(URI gateway, String proxyUser, String credential) {
        int port = gateway.getPort() >= 0 ? gateway.getPort() : "https".equals(gateway.getScheme()) ? 443 : 80;
        // URI.getHost keeps an IPv6 literal's brackets, as a URL needs them.
        return gateway.getScheme() + "://" + encode(proxyUser) + ":" + encode(credential) + "@" + gateway.getHost()
                + ":" + port;
    }

    private static boolean dropped(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return name.startsWith("KEYROOM_") || lower.endsWith("_proxy");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package dev.keyroom.gateway;

import dev.keyroom.core.port.Clock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The gateway's way out (GW-5, GW-6): one Jetty {@link HttpClient} per upstream trust setting (the
 * system trust store, a grant's CA, a grant's pin), each connecting through a {@link CheckedResolver}
 * so that names are resolved by the gateway, every address is checked, and the connection goes to
 * an address that was checked. Redirects are never followed, responses never decoded (an echoed
 * credential is masked in the bytes the upstream sent), and no User-Agent is added.
 */
final class Upstreams implements AutoCloseable {
    private final UpstreamTls tls;
    private final UpstreamAddresses addresses;
    private final Duration timeout;
    private final QueuedThreadPool executor;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    /** The client of each grant: a grant's document, and so its trust, never changes. */
    private final Map<String, HttpClient> byGrant = new ConcurrentHashMap<>();

    Upstreams(Duration timeout, Clock clock, UpstreamAddresses addresses) {
        this.tls = new UpstreamTls(clock);
        this.addresses = addresses;
        this.timeout = timeout;
        this.executor = new QueuedThreadPool(64, 2);
        executor.setName("keyroom-gateway-upstream");
        executor.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        executor.setDaemon(true);
        try {
            executor.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the upstream threads", e);
        }
    }

    /** The client for {@code grant}'s upstream trust, started on first use. */
    HttpClient client(LiveGrant grant) {
        return byGrant.computeIfAbsent(grant.id(), id -> {
            UpstreamTls.Trust trust = UpstreamTls.Trust.of(grant.doc());
            return clients.computeIfAbsent(trust.cacheKey(), k -> start(trust));
        });
    }

    /** Tags the request with its grant's private networks, which the resolver reads (GW-6). */
    void prepare(Request request, LiveGrant grant) {
        request.tag(new CheckedResolver.Allowed(grant.doc().allowAddresses()));
    }

    /** Resolves and checks the grant's upstream before a tunnel to it opens; a refusal otherwise. */
    void check(LiveGrant grant) {
        try {
            addresses.resolve(
                    grant.doc().upstream().host(),
                    new CheckedResolver.Allowed(grant.doc().allowAddresses()).allowedNetworks());
        } catch (UpstreamAddresses.RefusedAddress e) {
            throw new Refusal(403, "address_refused", e.getMessage());
        } catch (UnknownHostException e) {
            throw new Refusal(
                    502,
                    "upstream_unknown",
                    "upstream " + grant.doc().upstream().host() + " does not resolve");
        } catch (IOException e) {
            throw new Refusal(
                    502,
                    "upstream_unknown",
                    "upstream " + grant.doc().upstream().host() + " cannot be resolved");
        }
    }

    /** What the agent is told when the call to the upstream failed. */
    static Refusal refusalFor(Throwable failure, String authority) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UpstreamAddresses.RefusedAddress r) {
                return new Refusal(403, "address_refused", r.getMessage());
            }
            if (t instanceof SSLException || t instanceof CertificateException) {
                return new Refusal(
                        502,
                        "upstream_untrusted",
                        "the upstream " + authority
                                + " did not present a certificate the grant trusts; nothing was sent");
            }
            if (t instanceof UnknownHostException) {
                return new Refusal(502, "upstream_unknown", "the upstream " + authority + " does not resolve");
            }
            if (t instanceof ConnectException) {
                return new Refusal(
                        502, "upstream_unreachable", "the upstream " + authority + " refused the connection");
            }
        }
        return new Refusal(502, "upstream_failed", "the call to " + authority + " failed");
    }

    private HttpClient start(UpstreamTls.Trust trust) {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls.factoryFor(trust));
        connector.setExecutor(executor);
        connector.setConnectTimeout(Duration.ofSeconds(10));
        HttpClient c = new HttpClient(new HttpClientTransportOverHTTP(connector));
        c.setExecutor(executor);
        c.setSocketAddressResolver(new CheckedResolver(addresses, executor));
        c.setFollowRedirects(false);
        c.setUserAgentField(null);
        c.getContentDecoderFactories().clear();
        c.setIdleTimeout(timeout.toMillis());
        c.setConnectTimeout(10_000);
        c.setMaxConnectionsPerDestination(256);
        try {
            c.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the upstream client", e);
        }
        return c;
    }

    @Override
    public void close() {
        for (HttpClient c : clients.values()) {
            try {
                c.stop();
            } catch (Exception e) {
                // Keep stopping the others.
            }
        }
        try {
            executor.stop();
        } catch (Exception e) {
            // Best effort.
        }
    }
}

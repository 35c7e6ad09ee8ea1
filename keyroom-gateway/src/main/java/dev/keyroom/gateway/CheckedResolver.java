package dev.keyroom.gateway;

import dev.keyroom.protocol.grant.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The resolver the gateway's Jetty {@code HttpClient} connects through (GW-6): it resolves the
 * upstream's name once, checks every address with {@link UpstreamAddresses}, and hands Jetty those
 * very addresses ({@link InetSocketAddress}es built from resolved {@link InetAddress}es, which Jetty
 * connects to without another lookup), so a DNS answer that changes between check and connect
 * (rebinding) cannot move the connection.
 *
 * <p>Which private networks a request may reach depends on its grant, but Jetty 12.1 does not pass
 * request attributes to the resolver: the {@code context} it gets is per connection, holding the
 * {@link Destination} (under {@link Destination#CONTEXT_KEY}), the client, the transport and the TLS
 * factory. What does reach the resolver is the destination's origin, and with it the request's
 * <em>tag</em>. So the caller tags each upstream request with its grant's networks:
 *
 * <pre>{@code
 * client.newRequest(uri).tag(new CheckedResolver.Allowed(grant.allowAddresses()))...
 * }</pre>
 *
 * <p>The tag is part of the destination's identity, so requests with different networks never share
 * a pooled connection, and requests with the same ones do ({@link Allowed} compares by value). The
 * caller may instead tag with its own record implementing {@link Policy}. A context entry under
 * {@link #ALLOWED} (a {@code List<Cidr>}) takes precedence, for callers that invoke the resolver
 * directly. With neither, nothing private is allowed.
 */
public final class CheckedResolver implements SocketAddressResolver {
    /** A context key for a {@code List<Cidr>}; Jetty's HttpClient never sets it, direct callers may. */
    public static final String ALLOWED = "keyroom.allowed";

    /** A request tag that says which private networks the request's upstream may resolve to. */
    public interface Policy {
        List<Cidr> allowedNetworks();
    }

    /**
     * The networks of a grant's {@code allow_addresses}, in their CIDR text so that equal grants
     * give equal tags (and share connections).
     */
    public record Allowed(List<String> networks) implements Policy {
        public Allowed {
            networks = networks == null ? List.of() : List.copyOf(networks);
            networks.forEach(Cidr::parse);
        }

        @Override
        public List<Cidr> allowedNetworks() {
            return networks.stream().map(Cidr::parse).toList();
        }
    }

    private final UpstreamAddresses addresses;
    private final Executor executor;

    /**
     * Install with {@code HttpClient.setSocketAddressResolver} <em>before</em> the client starts
     * (Jetty refuses it afterwards). The client makes its own executor only when it starts, so make
     * one ({@code QueuedThreadPool}), give it to {@code HttpClient.setExecutor} and to this.
     *
     * @param executor where blocking name lookups run, so a slow DNS server does not stall Jetty's
     *     selector
     */
    public CheckedResolver(UpstreamAddresses addresses, Executor executor) {
        this.addresses = addresses;
        this.executor = executor;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        List<Cidr> allowed;
        try {
            allowed = allowedFrom(context);
        } catch (RuntimeException e) {
            promise.failed(e);
            return;
        }
        try {
            executor.execute(() -> {
                List<InetSocketAddress> result;
                try {
                    result = addresses.resolve(host, allowed).stream()
                            .map(a -> new InetSocketAddress(a, port))
                            .toList();
                } catch (Throwable e) {
                    promise.failed(e);
                    return;
                }
                promise.succeeded(result);
            });
        } catch (RejectedExecutionException e) {
            promise.failed(e);
        }
    }

    /** The allowed networks for the connection {@code context} is about; none when nothing says. */
    static List<Cidr> allowedFrom(Map<String, Object> context) {
        if (context == null) {
            return List.of();
        }
        Object direct = context.get(ALLOWED);
        if (direct instanceof List<?> list) {
            return list.stream().map(Cidr.class::cast).toList();
        }
        if (context.get(Destination.CONTEXT_KEY) instanceof Destination d
                && d.getOrigin().getTag() instanceof Policy policy) {
            return policy.allowedNetworks();
        }
        return List.of();
    }
}

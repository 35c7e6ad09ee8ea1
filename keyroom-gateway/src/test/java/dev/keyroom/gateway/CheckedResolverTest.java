package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.keyroom.gateway.UpstreamAddresses.RefusedAddress;
import dev.keyroom.protocol.grant.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the resolver through a real Jetty HttpClient to a loopback server the name resolves to. */
class CheckedResolverTest {
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger lookups = new AtomicInteger();
    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "hello".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        // HttpClient refuses a new resolver once started, and makes its executor only at start:
        // so the caller makes the executor and hands it to both.
        QueuedThreadPool executor = new QueuedThreadPool();
        executor.setName("upstream");
        client = new HttpClient();
        client.setExecutor(executor);
        UpstreamAddresses addresses = new UpstreamAddresses(host -> {
            lookups.incrementAndGet();
            if (!host.equals("upstream.example.test")) {
                throw new java.net.UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        });
        client.setSocketAddressResolver(new CheckedResolver(addresses, executor));
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.stop(0);
    }

    private String url() {
        return "http://upstream.example.test:" + server.getAddress().getPort() + "/";
    }

    @Test
    void anUntaggedRequestToANameResolvingToLoopbackIsRefusedAndSendsNothing() {
        assertThatThrownBy(() ->
                        client.newRequest(url()).timeout(5, TimeUnit.SECONDS).send())
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(RefusedAddress.class)
                .rootCause()
                .hasMessageContaining("upstream.example.test")
                .hasMessageContaining("loopback");
        assertThat(requests).hasValue(0);
    }

    @Test
    void aRequestTaggedWithTheGrantsNetworksReachesTheCheckedAddress() throws Exception {
        ContentResponse response = client.newRequest(url())
                .tag(new CheckedResolver.Allowed(List.of("127.0.0.0/8")))
                .timeout(5, TimeUnit.SECONDS)
                .send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("hello");
        assertThat(requests).hasValue(1);
        assertThat(lookups)
                .as("one lookup, and the connection went to its answer")
                .hasValue(1);
    }

    @Test
    void aTagNamingOtherNetworksIsRefused() {
        assertThatThrownBy(() -> client.newRequest(url())
                        .tag(new CheckedResolver.Allowed(List.of("10.0.0.0/8")))
                        .timeout(5, TimeUnit.SECONDS)
                        .send())
                .hasRootCauseInstanceOf(RefusedAddress.class);
        assertThat(requests).hasValue(0);
    }

    @Test
    void equalTagsShareADestinationAndDifferentOnesDoNot() throws Exception {
        for (int i = 0; i < 3; i++) {
            client.newRequest(url())
                    .tag(new CheckedResolver.Allowed(List.of("127.0.0.0/8")))
                    .timeout(5, TimeUnit.SECONDS)
                    .send();
        }
        client.newRequest(url())
                .tag(new CheckedResolver.Allowed(List.of("127.0.0.1/32")))
                .timeout(5, TimeUnit.SECONDS)
                .send();

        assertThat(requests).hasValue(4);
        assertThat(client.getDestinations()).hasSize(2);
        assertThat(lookups).as("one pooled connection per destination").hasValue(2);
    }

    @Test
    void aCallersOwnPolicyTagIsHonoured() throws Exception {
        record GrantTag(String grantId, List<String> networks) implements CheckedResolver.Policy {
            @Override
            public List<Cidr> allowedNetworks() {
                return networks.stream().map(Cidr::parse).toList();
            }
        }

        ContentResponse response = client.newRequest(url())
                .tag(new GrantTag("0123", List.of("127.0.0.0/8")))
                .timeout(5, TimeUnit.SECONDS)
                .send();

        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void aDirectCallerPassesTheNetworksInTheContextAndGetsResolvedAddresses() throws Exception {
        CheckedResolver resolver = new CheckedResolver(
                new UpstreamAddresses(host -> new InetAddress[] {InetAddress.getByName("10.1.2.3")}), Runnable::run);
        Map<String, Object> context = new HashMap<>();
        context.put(CheckedResolver.ALLOWED, List.of(Cidr.parse("10.1.0.0/16")));
        CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();

        resolver.resolve(
                "internal.example.test", 8443, context, Promise.from(result::complete, result::completeExceptionally));

        InetSocketAddress only = result.get(5, TimeUnit.SECONDS).getFirst();
        assertThat(only.isUnresolved()).isFalse();
        assertThat(only.getAddress()).isEqualTo(InetAddress.getByName("10.1.2.3"));
        assertThat(only.getPort()).isEqualTo(8443);

        CompletableFuture<List<InetSocketAddress>> refused = new CompletableFuture<>();
        resolver.resolve(
                "internal.example.test",
                8443,
                Map.of(),
                Promise.from(refused::complete, refused::completeExceptionally));
        assertThatThrownBy(refused::join).hasCauseInstanceOf(RefusedAddress.class);
    }

    @Test
    void allowedTagsRejectMalformedNetworks() {
        assertThatThrownBy(() -> new CheckedResolver.Allowed(List.of("10.0.0.0")))
                .hasMessageContaining("allow_addresses");
        assertThat(new CheckedResolver.Allowed(null).allowedNetworks()).isEmpty();
        assertThat(new CheckedResolver.Allowed(List.of("10.0.0.0/8")))
                .isEqualTo(new CheckedResolver.Allowed(List.of("10.0.0.0/8")));
    }
}

package dev.keyroom.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A Keyroom gateway's CA certificate, fetched from its unsigned {@code GET /v1/ca.pem}: for a loopback
 * {@code http://} gateway, whose CA cannot be checked by itself (an {@code https://} gateway's CA is a
 * file its operator hands out). Never through a proxy.
 */
public final class GatewayCa {
    private GatewayCa() {}

    /** Nothing answered at the gateway's address; the cause says how the connection failed. */
    public static final class Unreachable extends IOException {
        Unreachable(URI gateway, IOException cause) {
            super("cannot reach the gateway at " + gateway, cause);
        }
    }

    /**
     * The PEM of the gateway's CA certificate. Throws {@link Unreachable} when nothing answers, and
     * an {@link IOException} saying what came back when the answer is not a certificate.
     */
    public static byte[] fetch(URI gateway) throws IOException {
        HttpResponse<byte[]> r;
        try (HttpClient http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(10))
                .build()) {
            r = http.send(
                    HttpRequest.newBuilder(gateway.resolve("/v1/ca.pem"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the gateway's CA", e);
        } catch (IOException e) {
            throw new Unreachable(gateway, e);
        }
        byte[] pem = r.body();
        if (r.statusCode() != 200
                || !new String(pem, StandardCharsets.US_ASCII).startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new IOException("the gateway at " + gateway + " answered " + r.statusCode()
                    + " for its CA certificate: is it a Keyroom gateway?");
        }
        return pem;
    }
}

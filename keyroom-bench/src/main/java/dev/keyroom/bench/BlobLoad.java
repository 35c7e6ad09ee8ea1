package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.signature.RequestSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * Blob upload throughput: signed {@code PUT /v1/rooms/{room}/blobs/{sha256}} of distinct 16 MiB
 * bodies, one after another, against an in-process Keyroom node (plaintext loopback, so that TLS
 * does not hide the server's own work), and in the same run the floor the issue compares with:
 * SHA-256 of the same bytes, a write to a file and an fsync, in this process.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp keyroom-bench/target/benchmarks.jar
 * dev.keyroom.bench.BlobLoad [blobs per round] [rounds]}. Stops by itself.
 */
public final class BlobLoad {
    static final int SIZE = 16 << 20;

    public static void main(String[] args) throws Exception {
        Args arguments = new Args(args);
        int blobs = arguments.integer(0, 16);
        int rounds = arguments.integer(1, 3);
        SecureRandom random = new SecureRandom();
        try (BenchNode node = BenchNode.start("keyroom-blobload-", "");
                KeyroomClient client =
                        KeyroomClient.builder(node.server().uri(), node.admin()).build();
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
            String room = client.rooms().create("blobs").roomId();
            RequestSigner signer = new RequestSigner(node.admin(), Clock.system(), random);
            Path floorDir = Files.createTempDirectory(node.dir(), "floor-");
            double[] k = new double[rounds];
            double[] f = new double[rounds];
            for (int round = 0; round <= rounds; round++) {
                byte[][] bodies = new byte[blobs][SIZE];
                byte[][] digests = new byte[blobs][];
                for (int i = 0; i < blobs; i++) {
                    random.nextBytes(bodies[i]);
                    // The client's hashing is done ahead, so the clock measures the upload.
                    digests[i] = MessageDigest.getInstance("SHA-256").digest(bodies[i]);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < blobs; i++) {
                    put(http, signer, node.server().uri(), room, bodies[i], digests[i]);
                }
                double keyroomMBs = mbPerSecond(blobs, System.nanoTime() - t0);
                long t1 = System.nanoTime();
                for (int i = 0; i < blobs; i++) {
                    hashWriteSync(floorDir.resolve(round + "-" + i), bodies[i]);
                }
                double floorMBs = mbPerSecond(blobs, System.nanoTime() - t1);
                if (round > 0) {
                    k[round - 1] = keyroomMBs;
                    f[round - 1] = floorMBs;
                }
                System.out.printf(
                        "%s: keyroom PUT %.0f MB/s, SHA-256 + write + fsync %.0f MB/s, ratio %.2f (%d x 16 MiB)%n",
                        round == 0 ? "warm-up" : "round " + round, keyroomMBs, floorMBs, keyroomMBs / floorMBs, blobs);
            }
            java.util.Arrays.sort(k);
            java.util.Arrays.sort(f);
            System.out.printf(
                    "median of %d rounds: keyroom %.0f MB/s, floor %.0f MB/s, ratio %.2f%n",
                    rounds, k[rounds / 2], f[rounds / 2], k[rounds / 2] / f[rounds / 2]);
        }
    }

    static void put(HttpClient http, RequestSigner signer, URI base, String room, byte[] body, byte[] digest)
            throws Exception {
        String sha = HexFormat.of().formatHex(digest);
        URI uri = base.resolve("/v1/rooms/" + room + "/blobs/" + sha);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> h :
                signer.signDigest("PUT", uri, true, digest).entrySet()) {
            rb.header(h.getKey(), h.getValue());
        }
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
        }
    }

    static void hashWriteSync(Path file, byte[] body) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int off = 0; off < body.length; off += 65536) {
                int n = Math.min(65536, body.length - off);
                sha.update(body, off, n);
                ch.write(ByteBuffer.wrap(body, off, n));
            }
            ch.force(true);
        }
        sha.digest();
    }

    static double mbPerSecond(int blobs, long nanos) {
        return blobs * (double) SIZE / 1e6 / (nanos / 1e9);
    }
}

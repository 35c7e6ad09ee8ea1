package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.BlobRef;
import dev.keyroom.client.Delivery;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.protocol.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code keyroom mcp} driven by the official TypeScript MCP client on a real node.js, against a real
 * node, gateway and loopback upstream: the agent, a member of an encrypted room that holds a message,
 * a text blob, a binary blob, two secrets and a grant, lists and calls every tool. Every answer is
 * checked, and no answer, nor anything the server wrote on its standard output, holds a secret value,
 * a blob key or the gateway session's credential.
 */
@Timeout(300)
class McpCommandTest {
    static final String PLANTED = "pa55-planted-in-the-vault-never-shown";
    static final String NOTES = "deploy notes: build 42 is green\n";

    @TempDir
    static Path tmp;

    static GatewayCliWorld world;
    static String textBlob;
    static String binaryBlob;
    static String blobKey;
    static long lastSeqBefore;

    @BeforeAll
    static void start() throws Exception {
        world = new GatewayCliWorld(tmp);
        world.initGateway();
        world.registerGateway();
        world.startGateway();
        world.grant();
        var owner = world.ownerClient;
        owner.secrets().put(world.room, "db/password", PLANTED.getBytes(StandardCharsets.UTF_8), 0);
        owner.messages().publish(world.room, "hello agent".getBytes(StandardCharsets.UTF_8));
        try (BlobRef ref =
                owner.blobs().put(world.room, new ByteArrayInputStream(NOTES.getBytes(StandardCharsets.UTF_8)))) {
            textBlob = ref.sha256();
            blobKey = Base64Url.encode(ref.key().unsafeBytes());
            owner.messages().publish(world.room, ref.toMessage());
        }
        try (BlobRef ref = owner.blobs().put(world.room, new ByteArrayInputStream(new byte[] {0, 1, 2, (byte) 0xff}))) {
            binaryBlob = ref.sha256();
            lastSeqBefore = owner.messages().publish(world.room, ref.toMessage());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    /** The command line of {@code keyroom mcp} as the agent of {@code file}. */
    static String[] mcp(Path file) {
        return new String[] {
            "mcp",
            "--server",
            world.node.uri().toString(),
            "--pin",
            world.node.server.pin().orElseThrow(),
            "--identity",
            file.toString(),
            "--gateway",
            world.gatewayUri().toString()
        };
    }

    static Map<String, Object> call(String tool, Map<String, Object> arguments) {
        return Map.of("tool", tool, "arguments", arguments);
    }

    @Test
    void everyTool_answersAsDocumented_andNoAnswerHoldsASecret() throws Exception {
        String room = world.room.value();
        List<Map<String, Object>> calls = List.of(
                call("list_rooms", Map.of()),
                call("list_grants", Map.of()),
                call("read_messages", Map.of("room", "vault")),
                call("send_message", Map.of("room", room, "text", "on it")),
                call("fetch_blob_text", Map.of("room", "vault", "blob_id", textBlob)),
                call("fetch_blob_text", Map.of("room", "vault", "blob_id", binaryBlob)),
                call("call_upstream", Map.of("grant", "api-key", "method", "GET", "path", "/echo?x=1")),
                call("wait_for_message", Map.of("room", "vault", "after_seq", lastSeqBefore, "timeout_seconds", 40)),
                call("wait_for_message", Map.of("room", "vault", "timeout_seconds", 1)),
                call("read_messages", Map.of("room", "no-such-room")),
                call("call_upstream", Map.of("grant", "api-key", "method", "DELETE", "path", "/echo")),
                call("read_messages", Map.of("room", "vault", "limit", 0)));
        int authorizationsBefore = world.upstream.authorizations.size();
        List<FutureTask<Long>> replies = new ArrayList<>();
        McpCheck.Ran ran =
                McpCheck.run(tmp, Json.writeString(calls), GatewayCliWorld.command(mcp(world.agentFile)), line -> {
                    if (line.equals("mcp-check: calling wait_for_message") && replies.isEmpty()) {
                        // The owner answers while the agent waits; after_seq makes the answer found however it races.
                        FutureTask<Long> reply = new FutureTask<>(() -> {
                            Thread.sleep(1000);
                            return world.ownerClient
                                    .messages()
                                    .publish(world.room, "reply from owner".getBytes(StandardCharsets.UTF_8));
                        });
                        replies.add(reply);
                        Thread.ofPlatform().name("owner-reply").start(reply);
                    }
                });
        long reply = replies.getFirst().get(60, TimeUnit.SECONDS);

        assertThat(ran.out().path("server").path("name").asString()).isEqualTo("keyroom");
        assertThat(ran.out().path("transport_errors"))
                .as("lines on stdout that are not MCP")
                .isEmpty();
        toolList(ran.out().path("tools"));

        JsonNode rooms = result(ran.call(0)).path("rooms");
        assertThat(rooms).hasSize(1);
        assertThat(rooms.get(0).path("room_id").asString()).isEqualTo(room);
        assertThat(rooms.get(0).path("name").asString()).isEqualTo("vault");
        assertThat(rooms.get(0).path("role").asString()).isEqualTo("member");
        assertThat(rooms.get(0).path("policy").asString()).isEqualTo("encrypted");
        assertThat(rooms.get(0).path("epoch").asLong()).isEqualTo(1);

        JsonNode grants = result(ran.call(1)).path("grants");
        assertThat(grants).hasSize(1);
        assertThat(grants.get(0).path("secret_name").asString()).isEqualTo("api-key");
        assertThat(grants.get(0).path("upstream").asString()).isEqualTo(world.upstream.origin());
        assertThat(grants.get(0).path("credential_sent_as").asString()).isEqualTo("header Authorization");

        JsonNode read = result(ran.call(2));
        JsonNode messages = read.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("text").asString()).isEqualTo("hello agent");
        assertThat(messages.get(0).path("sender").asString())
                .isEqualTo(world.owner.endpoint().value());
        assertThat(messages.get(0).path("from_me").asBoolean()).isFalse();
        assertThat(messages.get(1).path("blob").path("blob_id").asString()).isEqualTo(textBlob);
        assertThat(messages.get(1).has("text")).isFalse();
        assertThat(read.path("last_seq").asLong()).isEqualTo(lastSeqBefore);

        long sent = result(ran.call(3)).path("seq").asLong();
        assertThat(sent).isGreaterThan(lastSeqBefore);
        List<Delivery> history = world.ownerClient.messages().history(world.room, lastSeqBefore, 10);
        assertThat(history.getFirst()).isInstanceOfSatisfying(Delivery.Accepted.class, a -> {
            assertThat(a.sender()).isEqualTo(world.agent.endpoint());
            assertThat(new String(a.plaintext(), StandardCharsets.UTF_8)).isEqualTo("on it");
        });

        JsonNode blob = result(ran.call(4));
        assertThat(blob.path("text").asString()).isEqualTo(NOTES);
        assertThat(blob.path("bytes").asInt()).isEqualTo(NOTES.length());
        assertThat(error(ran.call(5))).startsWith("blob " + binaryBlob + " is binary");

        JsonNode upstream = result(ran.call(6));
        assertThat(upstream.path("status").asInt()).isEqualTo(200);
        assertThat(upstream.path("body").asString()).isEqualTo("auth=Bearer [masked by keyroom]\n");
        assertThat(upstream.path("headers").path("content-type").asString()).isEqualTo("text/plain");
        assertThat(world.upstream.authorizations.subList(authorizationsBefore, world.upstream.authorizations.size()))
                .containsExactly("Bearer " + GatewayCliWorld.API_KEY);

        JsonNode waited = result(ran.call(7)).path("message");
        assertThat(waited.path("text").asString())
                .as("the agent's own message is skipped")
                .isEqualTo("reply from owner");
        assertThat(waited.path("seq").asLong()).isEqualTo(reply);

        assertThat(error(ran.call(8))).startsWith("timeout: no new message in room 'vault'");
        assertThat(error(ran.call(9))).startsWith("no room 'no-such-room' among this agent's rooms");
        assertThat(error(ran.call(10)))
                .isEqualTo("grant " + grants.get(0).path("grant_id").asString() + " allows only [GET]");
        assertThat(error(ran.call(11))).as("the schema refuses it").isNotBlank();

        // No tool result, no message on the server's stdout, no line of stderr holds a secret or a key.
        for (String leak : List.of(GatewayCliWorld.API_KEY, PLANTED, blobKey, "krg1_")) {
            assertThat(ran.raw()).doesNotContain(leak);
            assertThat(ran.err()).doesNotContain(leak);
        }
        for (JsonNode c : ran.out().path("calls")) {
            assertThat(c.toString()).doesNotContain("Exception").doesNotContain("\\tat ");
        }
    }

    @Test
    void aStranger_isRefusedAtStart_inWords() throws Exception {
        Identity stranger = Identity.generate(dev.keyroom.server.TestNode.RANDOM);
        Path file = tmp.resolve("stranger.identity");
        IdentityFile.write(file, stranger);
        GatewayCliWorld.Ran r = GatewayCliWorld.keyroom(tmp, Map.of(), mcp(file));
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.out()).isEmpty();
        // What happened, then what to do: the CLI's two lines, never a stack trace.
        assertThat(r.err().strip()).startsWith("keyroom: [unauthorized] ").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(2);
    }

    @Test
    void mistakes_sayWhatInOneLine() {
        CliTest.Result r = CliTest.run(
                "mcp",
                "--server",
                world.node.uri().toString(),
                "--identity",
                world.agentFile.toString(),
                "--gateway-ca",
                "ca.pem");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("keyroom: [bad_input] --gateway-ca goes with --gateway");
    }

    /** The tools, their schemas and descriptions as a model reads them. */
    private static void toolList(JsonNode tools) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asString()));
        assertThat(names)
                .containsExactly(
                        "list_rooms",
                        "read_messages",
                        "send_message",
                        "wait_for_message",
                        "fetch_blob_text",
                        "list_grants",
                        "call_upstream");
        for (JsonNode t : tools) {
            assertThat(t.path("description").asString()).hasSizeGreaterThan(80);
            assertThat(t.path("inputSchema").path("type").asString()).isEqualTo("object");
            assertThat(t.path("inputSchema").path("additionalProperties").asBoolean(true))
                    .isFalse();
        }
        JsonNode call = tools.get(6).path("inputSchema");
        assertThat(call.path("required").toString()).isEqualTo("[\"grant\",\"method\",\"path\"]");
        assertThat(call.path("properties").path("method").path("enum")).hasSize(7);
        assertThat(tools.get(3)
                        .path("inputSchema")
                        .path("properties")
                        .path("timeout_seconds")
                        .path("maximum")
                        .asInt())
                .isEqualTo(50);
        assertThat(tools.get(4).path("description").asString()).contains("binary or larger blob is refused");
        assertThat(tools.get(6).path("annotations").path("readOnlyHint").asBoolean(true))
                .isFalse();
        assertThat(tools.get(0).path("annotations").path("readOnlyHint").asBoolean())
                .isTrue();
    }

    /** A call's structured result, which its text content repeats; fails on a tool error. */
    private static JsonNode result(JsonNode call) {
        JsonNode r = call.path("result");
        assertThat(r.path("isError").asBoolean()).as(call.toString()).isFalse();
        assertThat(Json.mapper().readTree(r.path("content").get(0).path("text").asString()))
                .isEqualTo(r.path("structuredContent"));
        return r.path("structuredContent");
    }

    /** A call's tool error, in its one sentence. */
    private static String error(JsonNode call) {
        JsonNode r = call.path("result");
        assertThat(r.path("isError").asBoolean()).as(call.toString()).isTrue();
        String text = r.path("content").get(0).path("text").asString();
        assertThat(text).doesNotContain("\n\tat ");
        return text;
    }
}

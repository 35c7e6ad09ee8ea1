package dev.keyroom.mcp;

import dev.keyroom.client.BlobRef;
import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.RoomDtos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A blob of a room as text: found by its id among the room's messages (whose reference carries the
 * blob's key), fetched, checked against its address and decrypted here, then handed back only if it
 * is UTF-8 text of a size a model can take. The key stays in this process.
 */
final class BlobTools {
    /** The most text a blob may hold to be handed back. */
    static final int MAX_TEXT = 256 * 1024;

    /** What encryption adds to a blob at most at this size: a header and a tag per 1 MiB segment. */
    private static final int OVERHEAD = 4096;

    private static final int PAGE = 1000;

    private BlobTools() {}

    static List<AgentTool> tools(Agent agent) {
        return List.of(new AgentTool(
                "fetch_blob_text",
                "Read a blob as text",
                "Fetches a blob (a file attached to a room) by the blob_id read_messages shows, verifies and"
                        + " decrypts it on this machine, and returns its content as text. Only UTF-8 text of at"
                        + " most " + MAX_TEXT + " bytes is returned; a binary or larger blob is refused with an error.",
                """
                {"type": "object", "properties": {
                  "room": {"type": "string", "minLength": 1, "description": "The room's id or name"},
                  "blob_id": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "The blob's id (64 hex characters), from read_messages"}},
                 "required": ["room", "blob_id"], "additionalProperties": false}""",
                true,
                a -> fetch(agent, a)));
    }

    private static Map<String, Object> fetch(Agent agent, Arguments a) {
        String blobId = a.text("blob_id");
        if (!blobId.matches("[0-9a-f]{64}")) {
            throw new ToolFailure("blob_id must be 64 lowercase hex characters, as read_messages shows it");
        }
        try (KeyroomClient c = agent.open()) {
            RoomDtos.MyRoom room = RoomDirectory.find(c, a.text("room"));
            RoomId id = RoomId.parse(room.roomId());
            byte[] reference = reference(c, id, blobId);
            if (reference == null) {
                throw new ToolFailure("no message of room '" + room.name() + "' refers to blob " + blobId
                        + "; read_messages shows the blobs a room refers to");
            }
            byte[] content;
            try (BlobRef ref = BlobRef.fromMessage(reference)) {
                if (ref.size() > MAX_TEXT + OVERHEAD) {
                    throw tooLarge(blobId);
                }
                Bounded out = new Bounded();
                c.blobs().get(id, ref, out);
                content = out.toByteArray();
            } catch (Bounded.Exceeded e) {
                throw tooLarge(blobId);
            } catch (IOException e) {
                throw new ToolFailure("cannot fetch blob " + blobId + ": " + GatewayLink.sentence(e));
            }
            String text = MessageView.utf8(content);
            if (text == null) {
                throw new ToolFailure("blob " + blobId + " is binary (" + content.length
                        + " bytes that are not UTF-8 text); fetch_blob_text returns text only");
            }
            Map<String, Object> out = RoomTools.about(room);
            out.put("blob_id", blobId);
            out.put("bytes", content.length);
            out.put("text", MessageView.withoutBlobKeys(text));
            return out;
        }
    }

    /** The body of the latest message of the room that is a reference to {@code blobId}, or null. */
    private static byte[] reference(KeyroomClient c, RoomId room, String blobId) {
        byte[] found = null;
        long after = 0;
        while (true) {
            List<Delivery> page = c.messages().history(room, after, PAGE);
            for (Delivery d : page) {
                after = d.seq();
                if (d instanceof Delivery.Accepted m && MessageView.refersTo(m.plaintext(), blobId)) {
                    found = new String(m.plaintext(), StandardCharsets.UTF_8)
                            .strip()
                            .getBytes(StandardCharsets.US_ASCII);
                }
            }
            if (page.size() < PAGE) {
                return found;
            }
        }
    }

    private static ToolFailure tooLarge(String blobId) {
        return new ToolFailure("blob " + blobId + " is larger than the " + MAX_TEXT + " bytes fetch_blob_text returns");
    }

    /** Collects at most {@link #MAX_TEXT} bytes; one more fails the fetch. */
    private static final class Bounded extends OutputStream {
        static final class Exceeded extends IOException {
            private static final long serialVersionUID = 1L;
        }

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + len > MAX_TEXT) {
                throw new Exceeded();
            }
            bytes.write(b, off, len);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}

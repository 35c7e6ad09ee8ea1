package dev.keyroom.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.Delivery;
import dev.keyroom.core.identity.EndpointId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageViewTest {
    static final EndpointId ME = EndpointId.parse("0123456789abcdef0123456789abcdef");
    static final EndpointId OWNER = EndpointId.parse("fedcba9876543210fedcba9876543210");
    static final String SHA = "ab".repeat(32);
    static final String KEY = "c2VjcmV0LWJsb2Ita2V5LW5ldmVyLXNob3duLXRvLWE";

    static Map<String, Object> view(String body) {
        return view(body.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, Object> view(byte[] body) {
        return MessageView.of(new Delivery.Accepted(7, OWNER, 1, Instant.EPOCH, body), ME);
    }

    @Test
    void of_aBlobReference_showsItsIdAndSize_neverItsKey() {
        Map<String, Object> m = view("keyroom-blob:v1:" + SHA + ":88:" + KEY);
        assertThat(m)
                .containsEntry("blob", Map.of("blob_id", SHA, "stored_bytes", 88L))
                .doesNotContainKey("text");
        assertThat(m.toString()).doesNotContain(KEY);
        assertThat(m).containsEntry("from_me", false).containsEntry("sender", OWNER.value());
    }

    @Test
    void of_aTextQuotingABlobReference_withholdsTheKey() {
        Map<String, Object> m = view("see keyroom-blob:v1:" + SHA + ":88:" + KEY + " for the report");
        assertThat(m.get("text")).isEqualTo("see keyroom-blob:v1:" + SHA + ":88:[key withheld] for the report");
        assertThat(m.toString()).doesNotContain(KEY);
    }

    @Test
    void of_bytesThatAreNotText_giveTheirSizeOnly() {
        assertThat(view(new byte[] {(byte) 0xff, 0, 1}))
                .containsEntry("binary_bytes", 3)
                .doesNotContainKey("text");
        assertThat(view(new byte[] {'a', 0, 'b'})).containsEntry("binary_bytes", 3);
    }

    @Test
    void of_aLongText_isCutAndSaysSo() {
        Map<String, Object> m = view("x".repeat(MessageView.MAX_TEXT + 10));
        assertThat((String) m.get("text")).hasSize(MessageView.MAX_TEXT);
        assertThat(m).containsEntry("text_truncated", true);
    }

    @Test
    void of_aRejectedMessage_saysWhy() {
        assertThat(MessageView.of(new Delivery.Rejected(9, "replayed message id"), ME))
                .containsEntry("seq", 9L)
                .containsEntry("rejected", "the SDK refused this message: replayed message id");
    }
}

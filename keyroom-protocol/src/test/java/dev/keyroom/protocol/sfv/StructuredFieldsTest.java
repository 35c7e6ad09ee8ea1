package dev.keyroom.protocol.sfv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.protocol.sfv.StructuredFields.InnerList;
import dev.keyroom.protocol.sfv.StructuredFields.Item;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredFieldsTest {
    @Test
    void parseDictionary_innerListWithParams_roundTripsCanonically() throws Exception {
        String field = "sig1=(\"@method\" \"@path\");created=1618884473;keyid=\"k\";alg=\"ed25519\"";
        Map<String, Object> d = StructuredFields.parseDictionary(field);
        InnerList list = (InnerList) d.get("sig1");
        assertThat(list.items()).extracting(Item::value).containsExactly("@method", "@path");
        assertThat(list.params()).containsEntry("created", 1618884473L).containsEntry("keyid", "k");
        assertThat("sig1=" + StructuredFields.serializeInnerList(list)).isEqualTo(field);
    }

    @Test
    void parseDictionary_extraSpacesInInnerList_serializesCanonically() throws Exception {
        InnerList list = (InnerList)
                StructuredFields.parseDictionary("a=(  \"x\"   \"y\"  );n=1").get("a");
        assertThat(StructuredFields.serializeInnerList(list)).isEqualTo("(\"x\" \"y\");n=1");
    }

    @Test
    void parseDictionary_byteSequenceAndBooleans_parse() throws Exception {
        Map<String, Object> d = StructuredFields.parseDictionary("a=:AQID:, b, c=?0;x");
        assertThat((byte[]) ((Item) d.get("a")).value()).containsExactly(1, 2, 3);
        assertThat(((Item) d.get("b")).value()).isEqualTo(Boolean.TRUE);
        assertThat(((Item) d.get("c")).value()).isEqualTo(Boolean.FALSE);
    }

    @Test
    void serializeItem_stringWithQuoteAndBackslash_escapes() {
        assertThat(StructuredFields.serializeItem(new Item("a\"b\\c", Map.of())))
                .isEqualTo("\"a\\\"b\\\\c\"");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "a=",
                "a=(",
                "a=(\"x\"",
                "a=\"unterminated",
                "a=\"bad\\escape\"",
                "a=:not base64:",
                "a=1,",
                "a=1,a=2",
                "A=1",
                "a=1.5",
                "a=1234567890123456",
                "a=(\"x\";p=1;p=2)",
                "a=?2",
                "a=\"\u0001\"",
                "a=1 b=2",
            })
    void parseDictionary_malformed_throws(String field) {
        if (field.isEmpty()) {
            assertThat(catchEmpty()).isEmpty();
            return;
        }
        assertThatThrownBy(() -> StructuredFields.parseDictionary(field))
                .isInstanceOf(StructuredFields.ParseException.class);
    }

    private static Map<String, Object> catchEmpty() {
        try {
            return StructuredFields.parseDictionary("");
        } catch (StructuredFields.ParseException e) {
            throw new AssertionError(e);
        }
    }
}

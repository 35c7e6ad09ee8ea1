package dev.keyroom.protocol.sfv;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keyroom.protocol.signature.SignatureException;
import dev.keyroom.protocol.signature.SignedRequest;
import java.util.List;

/**
 * Fuzzes the signature field parser: any input either parses or fails with the parser's checked
 * exception, never with anything else. Runs its seeds as a plain JUnit test; set JAZZER_FUZZ=1 to
 * fuzz for real.
 */
class StructuredFieldsFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parse_anyInput_failsOnlyWithParseErrors(String input) {
        if (input == null) {
            return;
        }
        try {
            StructuredFields.parseDictionary(input);
        } catch (StructuredFields.ParseException expected) {
            // malformed input is refused
        }
        try {
            SignedRequest.parse(List.of(input), List.of(input), true);
        } catch (SignatureException expected) {
            // malformed or off-profile input is refused
        }
    }
}

package dev.keyroom.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.server.MainSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The error tables of docs/protocol.md are the codes the code can emit: every {@link ErrorCode}
 * with the status {@link ErrorResponses} gives it, every code written as a literal where the
 * catalogue is bypassed (data-plane error frames, replication answers), and every refusal the
 * gateway makes, with its status. A code added to the code but not to the docs fails here.
 */
class ErrorCodeTableTest {
    private static final Path PROTOCOL = Path.of("../docs/protocol.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\|");

    /** Literal codes outside the catalogue: bus error frames and replication answers. */
    private static final Pattern LITERAL = Pattern.compile(
            "Frame\\.Error\\([^,;]+,\\s*\"([a-z_]+)\"|error\\(\\s*\"([a-z_]+)\"|put\\(\"code\",\\s*\"([a-z_]+)\"\\)");

    /** A gateway refusal: {@code new Refusal(status, "code", ...)}. */
    private static final Pattern REFUSAL = Pattern.compile("new Refusal\\(\\s*(\\d{3}),\\s*\"([a-z_]+)\"");

    @Test
    void errorCodeTable_isTheCatalogueWithItsStatuses() throws IOException {
        Map<String, Integer> expected = new TreeMap<>();
        for (ErrorCode c : ErrorCode.values()) {
            expected.put(c.wireName(), ErrorResponses.status(c));
        }
        assertThat(table("### Error codes")).isEqualTo(expected);
    }

    @Test
    void literalCodesOfTheServer_areInTheTable() throws IOException {
        Map<String, Integer> table = table("### Error codes");
        TreeSet<String> literals = new TreeSet<>();
        for (MainSources.Source s : MainSources.read()) {
            if (s.module().equals("keyroom-server") || s.module().equals("keyroom-protocol")) {
                Matcher m = LITERAL.matcher(s.text());
                while (m.find()) {
                    for (int g = 1; g <= m.groupCount(); g++) {
                        if (m.group(g) != null) {
                            literals.add(m.group(g));
                        }
                    }
                }
            }
        }
        assertThat(literals).as("literal codes the server writes").isNotEmpty();
        assertThat(table.keySet()).containsAll(literals);
    }

    @Test
    void gatewayTable_isEveryRefusalTheGatewayMakes() throws IOException {
        TreeSet<String> made = new TreeSet<>();
        for (MainSources.Source s : MainSources.read()) {
            if (s.module().equals("keyroom-gateway")) {
                Matcher m = REFUSAL.matcher(s.text());
                while (m.find()) {
                    made.add(m.group(2) + " " + m.group(1));
                }
            }
        }
        assertThat(made).as("refusals found in the gateway's sources").isNotEmpty();
        TreeSet<String> documented = new TreeSet<>();
        table("### Gateway error codes").forEach((code, status) -> documented.add(code + " " + status));
        assertThat(documented).isEqualTo(made);
    }

    /** The rows {@code | `code` | status | ...} of the table under {@code heading}. */
    private static Map<String, Integer> table(String heading) throws IOException {
        String doc = Files.readString(PROTOCOL);
        int at = doc.indexOf("\n" + heading + "\n");
        assertThat(at).as(heading + " in docs/protocol.md").isNotNegative();
        Map<String, Integer> rows = new TreeMap<>();
        boolean inTable = false;
        for (String line : doc.substring(at + heading.length() + 2).split("\n", -1)) {
            if (line.startsWith("|")) {
                inTable = true;
                Matcher m = ROW.matcher(line);
                if (m.find()) {
                    assertThat(rows.put(m.group(1), Integer.parseInt(m.group(2))))
                            .as("%s is listed once", m.group(1))
                            .isNull();
                }
            } else if (inTable) {
                break;
            }
        }
        return rows;
    }
}

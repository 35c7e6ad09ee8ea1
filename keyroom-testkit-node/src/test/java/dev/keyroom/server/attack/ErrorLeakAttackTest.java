package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LOG-1: an internal error tells the client nothing but the code, a generic text and the request id. */
class ErrorLeakAttackTest {
    @TempDir
    Path dir;

    @Test
    void sqlErrorInA500_isNotShownToTheClient() throws Exception {
        // LOG-1: break the database under a running node; the 500 must not carry SQL, paths or classes.
        try (TestNode node = TestNode.start(dir)) {
            Identity id = node.register("alice", Role.MEMBER);
            KeyroomClient alice = node.client(id);
            alice.rooms().create("r");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + new DataDir(dir).database());
                    Statement st = c.createStatement()) {
                st.executeUpdate("PRAGMA foreign_keys = OFF");
                st.executeUpdate("DROP TABLE sealed_keys");
                st.executeUpdate("DROP TABLE members");
            }
            KeyroomClient.Response r = alice.exchange("GET", "/v1/me/rooms", null);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertThat(r.status()).isEqualTo(500);
            assertThat(body)
                    .startsWith("{\"error\":{\"code\":\"internal\",\"message\":\"internal error\",\"request_id\":\"")
                    .doesNotContainIgnoringCase("sql")
                    .doesNotContainIgnoringCase("table")
                    .doesNotContain(dir.toString())
                    .doesNotContain("Exception")
                    .doesNotContain("dev.keyroom");
            assertThat(body).contains(r.requestId());
        }
    }
}

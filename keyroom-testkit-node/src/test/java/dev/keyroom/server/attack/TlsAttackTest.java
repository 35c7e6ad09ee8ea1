package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.server.TestNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS-1, TLS-2 against a real node. */
class TlsAttackTest {
    @TempDir
    Path dir;

    @Test
    void wrongPin_isRefusedBeforeAnyRequestIsSent() throws Exception {
        // TLS-2: a server whose key does not match the pin is never talked to.
        try (TestNode node = TestNode.start(dir)) {
            Identity id = node.register("alice", Role.MEMBER);
            try (KeyroomClient c = KeyroomClient.builder(node.uri(), id)
                    .trust(ServerTrust.pin("sha256/" + "A".repeat(43) + "="))
                    .build()) {
                assertThatThrownBy(c.users()::me).isInstanceOf(UncheckedIOException.class);
            }
            try (KeyroomClient c = KeyroomClient.builder(node.uri(), id).build()) {
                // The system trust store does not know a self-signed certificate either.
                assertThatThrownBy(c.users()::me).isInstanceOf(UncheckedIOException.class);
            }
        }
    }

    @Test
    void tls12Client_isRefused() throws Exception {
        // TLS-1: TLS 1.3 only by default.
        try (TestNode node = TestNode.start(dir)) {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
            ctx.init(null, null, null);
            ServerTrust pinned = ServerTrust.pin(node.server.pin().orElseThrow());
            SSLSocketFactory f = pinned.sslContext().getSocketFactory();
            try (SSLSocket s =
                    (SSLSocket) f.createSocket(node.uri().getHost(), node.uri().getPort())) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                assertThatThrownBy(s::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
            }
            try (SSLSocket s =
                    (SSLSocket) f.createSocket(node.uri().getHost(), node.uri().getPort())) {
                s.setEnabledProtocols(new String[] {"TLSv1.3"});
                s.startHandshake();
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }
}

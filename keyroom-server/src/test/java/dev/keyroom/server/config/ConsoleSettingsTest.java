package dev.keyroom.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console: off unless configured; its origins explicit https origins; every interface only with them. */
class ConsoleSettingsTest {
    @TempDir
    Path dir;

    static ServerConfig config(String yaml) throws ConfigException {
        return ServerConfig.from(Path.of("unused"), ServerConfig.parse(yaml, "test"));
    }

    @Test
    void byDefault_theConsoleIsOff() throws Exception {
        assertThat(ServerConfig.from(dir, ConfigFile.EMPTY).console().enabled()).isFalse();
    }

    @Test
    void aListenAddress_turnsItOn_withItsOwnOrigin() throws Exception {
        ConsoleSettings c = config("console:\n  listen: 127.0.0.1:8444\n").console();
        assertThat(c.listener()).contains(new ConsoleSettings.Listener("127.0.0.1", 8444));
        assertThat(c.origins()).isEmpty();
    }

    @Test
    void origins_areNormalised_andOnlyHttpsOriginsWithoutAPath() throws Exception {
        ConsoleSettings c = config("console:\n  listen: 10.0.0.5:8444\n  origins: [https://Console.Example.com:443,"
                        + " https://console.example.com:8444]\n")
                .console();
        assertThat(c.origins()).containsExactly("https://console.example.com", "https://console.example.com:8444");
        for (String bad : new String[] {"http://console.example.com", "https://console.example.com/console", "*"}) {
            assertThatThrownBy(() -> config("console:\n  listen: 127.0.0.1:8444\n  origins: ['" + bad + "']\n"))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("console.origins entries are https:// origins");
        }
    }

    @Test
    void everyInterface_needsItsOrigins_andOriginsNeedAListener() {
        assertThatThrownBy(() -> config("console:\n  listen: 0.0.0.0:8444\n"))
                .hasMessageContaining("console.listen on every interface needs console.origins");
        assertThatThrownBy(() -> config("console:\n  origins: [https://a.example]\n"))
                .hasMessageContaining("console.origins needs console.listen");
        assertThatThrownBy(() -> config("console:\n  listen: nowhere\n"))
                .hasMessageContaining("console.listen must be HOST:PORT");
    }
}

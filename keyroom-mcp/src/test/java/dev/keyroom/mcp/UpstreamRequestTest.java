package dev.keyroom.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a model asks call_upstream to send cannot split the request's head, nor set its framing. */
class UpstreamRequestTest {
    @Test
    void of_aPlainRequest_isKept_withTheMethodInCapitals() {
        TunnelledRequest.Request r =
                UpstreamRequest.of("post", "/v1/items?limit=5", Map.of("Content-Type", "application/json"), "{}");
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.target()).isEqualTo("/v1/items?limit=5");
        assertThat(r.body()).containsExactly('{', '}');
        assertThat(UpstreamRequest.pathOf(r.target())).isEqualTo("/v1/items");
    }

    @Test
    void of_aLineBreakAnywhere_isRefused() {
        assertThatThrownBy(() -> UpstreamRequest.of("GET", "/a", Map.of("X-A", "b\r\nHost: evil"), null))
                .isInstanceOf(ToolFailure.class)
                .hasMessageContaining("must be printable ASCII");
        assertThatThrownBy(() -> UpstreamRequest.of("GET", "/a HTTP/1.1\r\nX: y", Map.of(), null))
                .isInstanceOf(ToolFailure.class)
                .hasMessageStartingWith("path must start with '/'");
        assertThatThrownBy(() -> UpstreamRequest.of("GET", "/a", Map.of("X-A\r\nHost", "b"), null))
                .isInstanceOf(ToolFailure.class)
                .hasMessageContaining("is not a valid header name");
    }

    @Test
    void of_theFramingHeaders_areTheToolsOwn() {
        for (String name : new String[] {"Host", "content-length", "Transfer-Encoding", "Connection"}) {
            assertThatThrownBy(() -> UpstreamRequest.of("GET", "/a", Map.of(name, "1"), null))
                    .isInstanceOf(ToolFailure.class)
                    .hasMessage("the " + name + " header is set by call_upstream itself; leave it out");
        }
    }

    @Test
    void of_anUnknownMethod_aRelativePath_orAHugeBody_isRefused() {
        assertThatThrownBy(() -> UpstreamRequest.of("TRACE", "/a", Map.of(), null))
                .hasMessageStartingWith("method must be one of");
        assertThatThrownBy(() -> UpstreamRequest.of("GET", "a", Map.of(), null))
                .hasMessageStartingWith("path must start with '/'");
        assertThatThrownBy(() -> UpstreamRequest.of("PUT", "/a", Map.of(), "x".repeat(UpstreamRequest.MAX_BODY + 1)))
                .hasMessageStartingWith("the body is " + (UpstreamRequest.MAX_BODY + 1) + " bytes");
    }
}

package dev.keyroom.protocol.grant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which path prefix of a grant a request's path lies under, and the longest when several do. */
class GrantPathTest {
    private static GrantDocument withPrefixes(List<String> prefixes) {
        return new GrantDocument(
                1,
                "0123456789abcdef0123456789abcdef",
                "0123456789abcdef0123456789abcdef",
                "0123456789abcdef0123456789abcdef",
                "fedcba9876543210fedcba9876543210",
                "api-key",
                new GrantDocument.Upstream("https", "api.example.com", 443),
                List.of("GET"),
                prefixes,
                new GrantDocument.Injection("header", "Authorization", "Bearer {value}"),
                60,
                1000,
                "2026-12-01T00:00:00Z",
                "2027-01-01T00:00:00Z",
                null,
                null,
                null);
    }

    @Test
    void aPrefixWithoutItsSlash_coversItselfAndWhatContinuesWithASlash_notALongerName() {
        GrantDocument g = withPrefixes(List.of("/v1"));
        assertThat(g.longestPrefixOf("/v1")).isEqualTo(3);
        assertThat(g.longestPrefixOf("/v1/users")).isEqualTo(3);
        assertThat(g.longestPrefixOf("/v1x")).isEqualTo(-1);
        assertThat(g.allowsPath("/v1x")).isFalse();
    }

    @Test
    void theLongestMatchingPrefix_isTheOneReported() {
        GrantDocument g = withPrefixes(List.of("/", "/v1/", "/v1/admin"));
        assertThat(g.longestPrefixOf("/v1/admin/x")).isEqualTo(9);
        assertThat(g.longestPrefixOf("/v1/adminx")).isEqualTo(4);
        assertThat(g.longestPrefixOf("/other")).isEqualTo(1);
    }
}

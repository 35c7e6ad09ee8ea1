package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.gateway.UpstreamAddresses.RefusedAddress;
import dev.keyroom.protocol.grant.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamAddressesTest {
    /** One address from each forbidden range, with the kind the refusal must name. */
    private static final Map<String, String> FORBIDDEN = Map.ofEntries(
            Map.entry("127.0.0.1", "loopback"),
            Map.entry("127.255.255.254", "loopback"),
            Map.entry("::1", "loopback"),
            Map.entry("0.0.0.0", "unspecified"),
            Map.entry("0.1.2.3", "unspecified"),
            Map.entry("::", "unspecified"),
            Map.entry("10.0.0.1", "private"),
            Map.entry("10.255.255.255", "private"),
            Map.entry("172.16.0.1", "private"),
            Map.entry("172.31.255.254", "private"),
            Map.entry("192.168.1.1", "private"),
            Map.entry("fc00::1", "private"),
            Map.entry("fd12:3456::1", "private"),
            Map.entry("169.254.1.1", "link-local"),
            Map.entry("fe80::1", "link-local"),
            Map.entry("169.254.169.254", "cloud metadata"),
            Map.entry("fd00:ec2::254", "cloud metadata"),
            Map.entry("100.100.100.200", "cloud metadata"),
            Map.entry("100.64.0.1", "carrier-grade NAT"),
            Map.entry("100.127.255.254", "carrier-grade NAT"),
            Map.entry("224.0.0.1", "multicast"),
            Map.entry("239.255.255.250", "multicast"),
            Map.entry("ff02::1", "multicast"),
            Map.entry("255.255.255.255", "broadcast"),
            Map.entry("198.18.0.1", "benchmarking"),
            Map.entry("198.19.255.254", "benchmarking"),
            Map.entry("240.0.0.1", "reserved"),
            Map.entry("64:ff9b::a00:1", "private (inside an IPv6 address)"),
            Map.entry("64:ff9b::7f00:1", "loopback (inside an IPv6 address)"),
            Map.entry("2002:a9fe:a9fe::1", "cloud metadata (inside an IPv6 address)"),
            Map.entry("2002:c0a8:101::", "private (inside an IPv6 address)"),
            Map.entry("::7f00:1", "loopback (inside an IPv6 address)"),
            Map.entry("64:ff9b:1::1", "private (local-use NAT64)"));

    private static final List<String> PUBLIC = List.of(
            "93.184.215.14",
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "169.253.255.255",
            "192.0.2.10", // TEST-NET-1: documentation networks route nowhere and are fine
            "198.51.100.7",
            "203.0.113.9",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2001:db8::1",
            "64:ff9b::808:808",
            "2002:808:808::1");

    @Test
    void everyForbiddenRangeIsRefusedNamingTheHostAndKind() throws Exception {
        for (Map.Entry<String, String> e : FORBIDDEN.entrySet()) {
            InetAddress address = InetAddress.getByName(e.getKey());
            UpstreamAddresses addresses = new UpstreamAddresses(host -> new InetAddress[] {address});

            assertThatThrownBy(() -> addresses.resolve("api.example.test", List.of()))
                    .as(e.getKey())
                    .isInstanceOf(RefusedAddress.class)
                    .hasMessageContaining("api.example.test")
                    .hasMessageContaining(address.getHostAddress())
                    .hasMessageContaining(" " + e.getValue() + " address")
                    .hasMessageContaining("allow_addresses");
            assertThat(UpstreamAddresses.forbiddenKind(address)).as(e.getKey()).contains(e.getValue());
        }
    }

    @Test
    void publicAddressesAreReturnedAsResolved() throws Exception {
        for (String p : PUBLIC) {
            InetAddress address = InetAddress.getByName(p);
            UpstreamAddresses addresses = new UpstreamAddresses(host -> new InetAddress[] {address});

            assertThat(addresses.resolve("api.example.test", List.of())).as(p).containsExactly(address);
            assertThat(UpstreamAddresses.forbiddenKind(address)).as(p).isEmpty();
        }
    }

    @Test
    void aNetworkTheGrantNamesIsAllowed() throws Exception {
        InetAddress internal = InetAddress.getByName("10.1.2.3");
        UpstreamAddresses addresses = new UpstreamAddresses(host -> new InetAddress[] {internal});

        assertThat(addresses.resolve("internal.example.test", List.of(Cidr.parse("10.1.2.0/24"))))
                .containsExactly(internal);
        assertThatThrownBy(() -> addresses.resolve("internal.example.test", List.of(Cidr.parse("10.1.3.0/24"))))
                .isInstanceOf(RefusedAddress.class);
    }

    @Test
    void aNamedIpv4NetworkAlsoAllowsItsAddressesInsideIpv6() throws Exception {
        InetAddress mapped = Inet6Address.getByAddress(
                null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3}, -1);
        UpstreamAddresses addresses = new UpstreamAddresses(host -> new InetAddress[] {mapped});

        assertThat(addresses.resolve("internal.example.test", List.of(Cidr.parse("10.0.0.0/8"))))
                .containsExactly(mapped);
    }

    @Test
    void anIpLiteralNamesItselfAndIsUsedWithoutLookup() throws Exception {
        UpstreamAddresses addresses = new UpstreamAddresses(host -> {
            throw new AssertionError("an IP literal must not be looked up");
        });

        assertThat(addresses.resolve("10.9.8.7", List.of())).containsExactly(InetAddress.getByName("10.9.8.7"));
        assertThat(addresses.resolve("127.0.0.1", List.of())).containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThat(addresses.resolve("[::1]", List.of())).containsExactly(InetAddress.getByName("::1"));
        assertThat(addresses.resolve("FD00::5", List.of())).containsExactly(InetAddress.getByName("fd00::5"));
    }

    @Test
    void anIpLiteralNoConnectionCanGoToIsRefused() {
        UpstreamAddresses addresses = new UpstreamAddresses(host -> new InetAddress[0]);

        for (String literal : List.of("0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "ff02::1")) {
            assertThatThrownBy(() -> addresses.resolve(literal, List.of()))
                    .as(literal)
                    .isInstanceOf(RefusedAddress.class)
                    .hasMessageContaining("nothing to connect to");
        }
    }

    @Test
    void localhostResolvedBySystemIsRefusedWithoutAllow() throws Exception {
        UpstreamAddresses addresses = new UpstreamAddresses();

        assertThatThrownBy(() -> addresses.resolve("localhost", List.of()))
                .isInstanceOf(RefusedAddress.class)
                .hasMessageContaining("localhost")
                .hasMessageContaining("loopback");
        assertThat(addresses.resolve("localhost", List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"))))
                .isNotEmpty()
                .allMatch(InetAddress::isLoopbackAddress);
    }

    @Test
    void numericNamesThatAreNotStrictLiteralsAreResolvedThenChecked() {
        UpstreamAddresses addresses = new UpstreamAddresses();

        // The system resolver reads these as 127.0.0.1; they are not the dotted quads Cidr accepts.
        for (String sneaky : List.of("127.1", "2130706433")) {
            assertThatThrownBy(() -> addresses.resolve(sneaky, List.of()))
                    .as(sneaky)
                    .isInstanceOfAny(RefusedAddress.class, UnknownHostException.class);
        }
    }

    @Test
    void oneForbiddenAddressAmongPublicOnesRefusesTheName() throws Exception {
        InetAddress[] mixed = {
            InetAddress.getByName("93.184.215.14"),
            InetAddress.getByName("2606:4700:4700::1111"),
            InetAddress.getByName("192.168.0.10")
        };
        UpstreamAddresses addresses = new UpstreamAddresses(host -> mixed);

        assertThatThrownBy(() -> addresses.resolve("rebind.example.test", List.of()))
                .isInstanceOf(RefusedAddress.class)
                .hasMessageContaining("192.168.0.10")
                .hasMessageContaining("private");
    }

    @Test
    void ipv4MappedIpv6IsJudgedByItsIpv4Address() throws Exception {
        InetAddress mapped = Inet6Address.getByAddress(
                null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}, -1);
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        UpstreamAddresses addresses = new UpstreamAddresses(host -> new InetAddress[] {mapped});

        assertThatThrownBy(() -> addresses.resolve("mapped.example.test", List.of()))
                .isInstanceOf(RefusedAddress.class)
                .hasMessageContaining("loopback (inside an IPv6 address)");
        // The JDK itself turns the textual form into the IPv4 address, which is refused too.
        InetAddress parsed = InetAddress.getByName("::ffff:127.0.0.1");
        UpstreamAddresses viaText = new UpstreamAddresses(host -> new InetAddress[] {parsed});
        assertThatThrownBy(() -> viaText.resolve("mapped.example.test", List.of()))
                .isInstanceOf(RefusedAddress.class)
                .hasMessageContaining("loopback");
    }

    @Test
    void aNameThatResolvesToNothingIsUnknown() {
        UpstreamAddresses addresses = new UpstreamAddresses(host -> new InetAddress[0]);

        assertThatThrownBy(() -> addresses.resolve("nothing.example.test", List.of()))
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("nothing.example.test");
    }
}

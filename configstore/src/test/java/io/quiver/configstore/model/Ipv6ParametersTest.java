package io.quiver.configstore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.policy.AllowedValues;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IPv6 addresses, link protection, the router flag and the reserved addresses, as the model parses and refuses them. */
class Ipv6ParametersTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2001:db8::1                     | 2001:db8::1",
        "2001:0DB8:0000:0000:0000:0000:0000:0001 | 2001:db8::1",
        "fe80::0200:00ff:fe00:000a       | fe80::200:ff:fe00:a",
        "2001:db8:0:0:1:0:0:1            | 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1            | 2001:db8:0:1:1:1:1:1",
        "::ffff:10.0.0.1                 | ::ffff:a00:1",
        "::                              | ::",
        "1::                             | 1::",
    })
    void addressesParseInAnyFormAndPrintCanonically(String text, String canonical) {
        assertEquals(canonical, Ipv6Address.parse(text).toString());
        assertEquals(Ipv6Address.parse(text), Ipv6Address.parse(canonical));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2001:db8::1::2  | only once",
        "2001:db8:1      | groups",
        "1:2:3:4:5:6:7:8:9 | more than eight",
        "2001:db8::12345 | four hex digits",
        "2001:db8::g     | not a hex digit",
        ":1::2           | cannot start",
        "1::2:           | cannot end",
        "1:2:3:4:5:6:7::8 | at least one zero group",
    })
    void malformedAddressesAreRefusedWithAReason(String text, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> Ipv6Address.parse(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void theLinkLocalAddressOfAMacIsItsModifiedEui64() {
        assertEquals("fe80::ff:fe00:a", Ipv6Address.linkLocalOf(MacAddress.parse("02:00:00:00:00:0a")).toString());
        assertEquals("fe80::5054:ff:fe12:3456", Ipv6Address.linkLocalOf(MacAddress.parse("52:54:00:12:34:56")).toString());
        assertTrue(Ipv6Address.linkLocalOf(MacAddress.parse("52:54:00:12:34:56")).isLinkLocal());
    }

    @Test
    void aVnicHoldsIpv6AddressesProtectionAndTheRouterFlag() {
        VnicConfig c = VnicConfig.create("v", "02:00:00:00:00:01")
                .with(VnicParameter.IPV6_ADDRESSES, "2001:db8::5/64, fd00::1/48")
                .with(VnicParameter.PROTECTION, "restricted,mac-nospoof")
                .with(VnicParameter.ROUTER, "yes");
        assertEquals("2001:db8::5/64,fd00::1/48", c.get(VnicParameter.IPV6_ADDRESSES));
        assertEquals(2, c.ipv6Addresses().size());
        assertEquals(64, c.ipv6Addresses().getFirst().prefixLength());
        assertEquals("mac-nospoof,restricted", c.get(VnicParameter.PROTECTION), "canonical order");
        assertEquals(Set.of(LinkProtection.MAC_NOSPOOF, LinkProtection.RESTRICTED), c.protection());
        assertTrue(c.isRouter());
        VnicConfig defaults = VnicConfig.create("w", "02:00:00:00:00:02");
        assertEquals("mac-nospoof,ip-nospoof", defaults.get(VnicParameter.PROTECTION), "today's behaviour is the default");
        assertFalse(defaults.isRouter());
        assertEquals(List.of(), defaults.ipv6Addresses());
        assertEquals("none", c.with(VnicParameter.PROTECTION, "none").get(VnicParameter.PROTECTION));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ipv6-addresses | ::/64                       | unspecified",
        "ipv6-addresses | ::1/128                     | loopback",
        "ipv6-addresses | ff02::1/64                  | multicast",
        "ipv6-addresses | 2001:db8::1                 | prefix length is missing",
        "ipv6-addresses | 2001:db8::1/129             | 1 to 128",
        "ipv6-addresses | 2001:db8::1/64,2001:db8::1/48 | listed twice",
        "ipv4-addresses | 169.254.169.254/16          | service address",
        "ipv4-addresses | 0.0.0.0/8                   | this network",
        "ipv4-addresses | 224.0.0.1/24                | multicast",
        "ipv4-addresses | 127.0.0.1/8                 | loopback",
        "ipv4-addresses | 255.255.255.255/32          | broadcast",
        "default-route  | 169.254.169.254             | service address",
        "protection     | ip-nospoof,ip-nospoof       | listed twice",
        "protection     | everything                  | a link protection",
        "router         | maybe                       | yes or no",
    })
    void reservedAndMalformedValuesAreRefused(String parameter, String value, String reason) {
        VnicConfig c = VnicConfig.create("v", "02:00:00:00:00:01");
        ConfigException e = assertThrows(ConfigException.class, () -> c.with(VnicParameter.byName(parameter), value));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void policiesTakeIpv6BlocksAndRefuseTheServiceAddress() {
        AllowedValues v6 = AllowedValues.parse(VnicParameter.IPV6_ADDRESSES, "2001:db8:1::/64, 2001:db8:2::7");
        long[] words = new long[VnicParameter.MAX_WORDS];
        int n = VnicParameter.IPV6_ADDRESSES.parseInto("2001:db8:1::99/64,2001:db8:2::7/64", words);
        assertEquals(6, n, "three words an address");
        assertTrue(v6.allows(words, 0));
        assertTrue(v6.allows(words, 3));
        VnicParameter.IPV6_ADDRESSES.parseInto("2001:db8:3::1/64", words);
        assertFalse(v6.allows(words, 0));
        assertEquals("2001:db8:1::/64,2001:db8:2::7", v6.toText());
        for (String bad : List.of("169.254.0.0/16", "169.254.169.254", "0.0.0.0/0")) {
            ConfigException e = assertThrows(ConfigException.class, () -> AllowedValues.parse(VnicParameter.IPV4_ADDRESSES, bad));
            assertTrue(e.getMessage().contains("service address"), e.getMessage());
        }
        assertNotNull(AllowedValues.parse(VnicParameter.IPV4_ADDRESSES, "10.0.0.0/8"));
        assertThrows(ConfigException.class, () -> AllowedValues.parse(VnicParameter.IPV6_ADDRESSES, "ff02::/16"));
        assertThrows(ConfigException.class, () -> AllowedValues.parse(VnicParameter.IPV6_ADDRESSES, "2001:db8::1/64"));
        assertNull(VnicParameter.IPV6_ADDRESSES.explainInvalid("2001:db8::1/64"));
    }
}

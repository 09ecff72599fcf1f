package io.quiver.configstore.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The three forms of allowed values (list, CIDR, range), and "any". */
class AllowedValuesTest {

    private static boolean allows(VnicParameter p, String allowed, String value) {
        AllowedValues a = AllowedValues.parse(p, allowed);
        long[] elements = p.parse(value);
        for (long e : elements) {
            if (!a.allows(e)) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "{0} allowed ''{1}'': ''{2}'' -> {3}")
    @CsvSource(delimiter = '|', value = {
        // ranges
        "mtu                 | 68..1500           | 68                   | true",
        "mtu                 | 68..1500           | 1500                 | true",
        "mtu                 | 68..1500           | 1501                 | false",
        "mtu                 | 1000..1500, 9000   | 9000                 | true",
        "mtu                 | 1000..1500, 9000   | 8999                 | false",
        "vlan                | 100..199,300..399  | 150                  | true",
        "vlan                | 100..199,300..399  | 250                  | false",
        "vlan                | 100..199,none      | none                 | true",
        "vlan                | 100..199           | none                 | false",
        "bandwidth-limit     | 1M..100M           | 50M                  | true",
        "bandwidth-limit     | 1M..100M           | unlimited            | false",
        "bandwidth-limit     | 1M..100M           | 1G                   | false",
        "tcp-send-buffer     | 64k..1M            | 128k                 | true",
        "tcp-send-buffer     | 64k..1M            | 2M                   | false",
        "priority            | 0..3               | 3                    | true",
        "priority            | 0..3               | 4                    | false",
        // lists
        "mtu                 | 1500,9000          | 9000                 | true",
        "mtu                 | 1500,9000          | 1400                 | false",
        "routing-protocol    | static,ospf        | ospf                 | true",
        "routing-protocol    | static,ospf        | rip                  | false",
        "transport-protocols | tcp,udp            | udp,tcp              | true",
        "transport-protocols | tcp,udp            | tcp,sctp             | false",
        "transport-protocols | tcp,udp            | none                 | true",
        "mac                 | 02:00:00:00:00:01,02:00:00:00:00:02 | 02:00:00:00:00:02 | true",
        "mac                 | 02:00:00:00:00:01,02:00:00:00:00:02 | 02:00:00:00:00:03 | false",
        "secondary-macs      | 02:00:00:00:00:01,02:00:00:00:00:02 | 02:00:00:00:00:02,02:00:00:00:00:01 | true",
        "secondary-macs      | 02:00:00:00:00:01,02:00:00:00:00:02 | 02:00:00:00:00:02,02:00:00:00:00:09 | false",
        "ipv4-addresses      | 10.0.0.5,10.0.0.6  | 10.0.0.6/24          | true",
        "ipv4-addresses      | 10.0.0.5,10.0.0.6  | 10.0.0.7/24          | false",
        // CIDR
        "ipv4-addresses      | 10.0.0.0/24        | 10.0.0.77/24         | true",
        "ipv4-addresses      | 10.0.0.0/24        | 10.0.0.77/24,10.0.1.1/24 | false",
        "ipv4-addresses      | 10.0.0.0/24,10.0.1.0/24 | 10.0.0.77/24,10.0.1.1/24 | true",
        "ipv4-addresses      | 10.0.0.0/24        | 10.0.1.77/24         | false",
        "ipv4-addresses      | 192.0.0.0/2        | 192.168.3.4/16       | true",
        "ipv4-addresses      | 10.0.0.0/24        | none                 | true",
        "default-route       | 10.0.0.0/24        | 10.0.0.1             | true",
        "default-route       | 10.0.0.0/24        | 10.0.9.1             | false",
        "default-route       | 10.0.0.0/24        | none                 | false",
        "default-route       | 10.0.0.0/24, none  | none                 | true",
        // any
        "mtu                 | any                | 9216                 | true",
        "mac                 | *                  | 02:12:34:56:78:9a    | true",
    })
    void allowsExactlyTheGivenValues(String name, String allowed, String value, boolean expected) {
        assertEquals(expected, allows(VnicParameter.byName(name), allowed, value));
    }

    @Test
    void picksTheFormFromTheText() {
        assertInstanceOf(ValueList.class, AllowedValues.parse(VnicParameter.MTU, "1500,9000"));
        assertInstanceOf(RangeSet.class, AllowedValues.parse(VnicParameter.MTU, "68..1500"));
        assertInstanceOf(CidrSet.class, AllowedValues.parse(VnicParameter.IPV4_ADDRESSES, "10.0.0.0/8"));
        assertInstanceOf(AnyValue.class, AllowedValues.parse(VnicParameter.MTU, " any "));
    }

    @ParameterizedTest(name = "{0} ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', value = {
        "mtu | 68..1500, 1000..2000, 9000 | 68..2000,9000",
        "mtu | 1500 , 9000                | 1500,9000",
        "vlan | none,1..10                | none,1..10",
        "ipv4-addresses | 10.0.0.0/24 , 10.0.0.9 | 10.0.0.0/24,10.0.0.9",
        "default-route | none, 10.0.0.1   | 10.0.0.1,none",
        "bandwidth-limit | 1000000..100000000 | 1M..100M",
    })
    void writesCanonicalTextThatReadsBack(String name, String text, String canonical) {
        VnicParameter p = VnicParameter.byName(name);
        AllowedValues a = AllowedValues.parse(p, text);
        assertEquals(canonical, a.toText());
        assertEquals(a, AllowedValues.parse(p, canonical));
    }

    @ParameterizedTest(name = "{0} ''{1}'' is refused: {2}")
    @CsvSource(delimiter = '|', value = {
        "mtu              | ''                  | leave it out of the policy",
        "mtu              | 1500..68            | low end is above its high end",
        "mtu              | 10..1500            | from 68..9216",
        "mtu              | 1500,,9000          | empty item",
        "mtu              | 1500,1500           | twice",
        "mac              | 02:00:00:00:00:01..02:00:00:00:00:09 | is a range",
        "routing-protocol | static..ospf        | is a range",
        "ipv4-addresses   | 10.0.0.5/24         | host bits set: write the block as 10.0.0.0/24 or the single address as 10.0.0.5",
        "ipv4-addresses   | 10.0.0.0/40         | prefix length",
        "ipv4-addresses   | 10.0.0/24           | not an IPv4 address",
        "ipv4-addresses   | 10.0.0.0/24,10.0.0.0/24 | twice",
        "transport-protocols | tcp,quic         | one of tcp, udp, sctp",
    })
    void refusesBadAllowedValues(String name, String text, String expectedInMessage) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AllowedValues.parse(VnicParameter.byName(name), text));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}

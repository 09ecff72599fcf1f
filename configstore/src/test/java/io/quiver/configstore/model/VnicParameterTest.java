package io.quiver.configstore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every parameter reads its valid values into canonical text, and refuses invalid ones with a reason. */
class VnicParameterTest {

    @ParameterizedTest(name = "{0} = ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', value = {
        "mac                 | 02:00:5e:10:00:01                   | 02:00:5e:10:00:01",
        "mac                 | 02-00-5E-10-00-0A                   | 02:00:5e:10:00:0a",
        "mac                 | '  52:54:00:12:34:56 '              | 52:54:00:12:34:56",
        "secondary-macs      | none                                | none",
        "secondary-macs      | 02:00:00:00:00:02, 02:00:00:00:00:03 | 02:00:00:00:00:02,02:00:00:00:00:03",
        "ipv4-addresses      | 10.0.0.5/24                         | 10.0.0.5/24",
        "ipv4-addresses      | 10.0.0.5/24,192.168.1.1/32,10.1.1.1/31 | 10.0.0.5/24,192.168.1.1/32,10.1.1.1/31",
        "ipv4-addresses      | NONE                                | none",
        "vlan                | 1                                   | 1",
        "vlan                | 4094                                | 4094",
        "vlan                | none                                | none",
        "mtu                 | 68                                  | 68",
        "mtu                 | 9216                                | 9216",
        "default-route       | 10.0.0.1                            | 10.0.0.1",
        "default-route       | none                                | none",
        "routing-protocol    | OSPF                                | ospf",
        "routing-protocol    | static                              | static",
        "transport-protocols | udp,tcp                             | tcp,udp",
        "transport-protocols | sctp                                | sctp",
        "transport-protocols | none                                | none",
        "tcp-send-buffer     | 4096                                | 4k",
        "tcp-send-buffer     | 256k                                | 256k",
        "tcp-receive-buffer  | 64M                                 | 64M",
        "tcp-port            | 8080                                | 8080",
        "tcp-port            | none                                | none",
        "bandwidth-limit     | 100M                                | 100M",
        "bandwidth-limit     | 1500000                             | 1500k",
        "bandwidth-limit     | unlimited                           | unlimited",
        "bandwidth-limit     | 400G                                | 400G",
        "priority            | 0                                   | 0",
        "priority            | 7                                   | 7",
    })
    void readsValidValuesIntoCanonicalText(String name, String text, String canonical) {
        VnicParameter p = VnicParameter.byName(name);
        assertEquals(canonical, p.format(p.parse(text)));
        assertNull(p.explainInvalid(text));
        assertTrue(p.parseInto(text, new long[VnicParameter.MAX_LIST]) >= 0);
        assertEquals(canonical, p.format(p.parse(canonical)), "canonical text reads back to itself");
    }

    @ParameterizedTest(name = "{0} = ''{1}'' is refused: {2}")
    @CsvSource(delimiter = '|', value = {
        "mac                 | 03:00:5e:10:00:01          | group bit",
        "mac                 | ff:ff:ff:ff:ff:ff          | group bit",
        "mac                 | 00:00:00:00:00:00          | 00:00:00:00:00:00 is not an address",
        "mac                 | 02:00:5e:10:00             | six hex octets",
        "mac                 | 02:00:5e:10:00:0g          | six hex octets",
        "mac                 | 02:00-5e:10:00:01          | six hex octets",
        "mac                 | ''                         | empty",
        "secondary-macs      | 02:00:00:00:00:02,02:00:00:00:00:02 | listed twice",
        "secondary-macs      | 01:00:5e:00:00:01          | group bit",
        "secondary-macs      | 02:00:00:00:00:02,         | element of the list is empty",
        "secondary-macs      | ''                         | write none for an empty list",
        "ipv4-addresses      | 10.0.0.5                   | prefix length is missing",
        "ipv4-addresses      | 10.0.0.0/24                | network address",
        "ipv4-addresses      | 10.0.0.255/24              | broadcast address",
        "ipv4-addresses      | 10.0.0.5/33                | prefix length",
        "ipv4-addresses      | 10.0.0.5/0                 | prefix length",
        "ipv4-addresses      | 127.0.0.1/8                | loopback",
        "ipv4-addresses      | 224.0.0.5/24               | multicast",
        "ipv4-addresses      | 256.0.0.5/24               | 0 to 255",
        "ipv4-addresses      | 10.0.0.05/24               | leading zeros",
        "ipv4-addresses      | 10.0.0/24                  | four decimal octets",
        "ipv4-addresses      | 10.0.0.5/24,10.0.0.5/16    | listed twice",
        "vlan                | 0                          | a VLAN id from 1..4094",
        "vlan                | 4095                       | a VLAN id from 1..4094",
        "vlan                | -1                         | a VLAN id",
        "vlan                | ten                        | a VLAN id",
        "mtu                 | 67                         | from 68..9216",
        "mtu                 | 9217                       | from 68..9216",
        "mtu                 | 1500.0                     | an MTU",
        "mtu                 | 99999999999999999999999    | an MTU",
        "default-route       | 0.0.0.0                    | this network",
        "default-route       | 255.255.255.255            | reserved",
        "default-route       | 10.0.0.1/24                | 0 to 255",
        "routing-protocol    | isis                       | one of static, rip, ospf, bgp",
        "transport-protocols | tcp,tcp                    | listed twice",
        "transport-protocols | tcp,icmp                   | one of tcp, udp, sctp",
        "transport-protocols | tcp,udp,sctp,tcp           | at most 3",
        "tcp-send-buffer     | 4095                       | 4k..64M",
        "tcp-send-buffer     | 65M                        | 4k..64M",
        "tcp-receive-buffer  | 10x                        | buffer size",
        "tcp-port            | 0                          | a TCP port",
        "tcp-port            | 65536                      | a TCP port",
        "bandwidth-limit     | 0                          | a rate",
        "bandwidth-limit     | 401G                       | a rate",
        "bandwidth-limit     | 999                        | a rate",
        "priority            | 8                          | a priority from 0..7",
    })
    void refusesInvalidValuesWithAReason(String name, String text, String expectedInMessage) {
        VnicParameter p = VnicParameter.byName(name);
        assertEquals(-1, p.parseInto(text, new long[VnicParameter.MAX_LIST]));
        ConfigException e = assertThrows(ConfigException.class, () -> p.parse(text));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid " + name + ": "), e.getMessage());
        assertEquals(e.getMessage(), p.explainInvalid(text));
    }

    @Test
    void refusesTooLongListsAndTexts() {
        StringBuilder macs = new StringBuilder();
        for (int i = 0; i <= VnicParameter.MAX_LIST; i++) {
            macs.append(macs.isEmpty() ? "" : ",").append(String.format("02:00:00:00:01:%02x", i));
        }
        ConfigException e = assertThrows(ConfigException.class, () -> VnicParameter.SECONDARY_MACS.parse(macs));
        assertTrue(e.getMessage().contains("at most 32"), e.getMessage());
        String huge = "1".repeat(VnicParameter.MAX_TEXT + 1);
        assertTrue(VnicParameter.MTU.explainInvalid(huge).contains("limit is 1024"));
        assertTrue(VnicParameter.MTU.explainInvalid(null).contains("no value"));
    }

    @Test
    void unknownParameterNamesListTheKnownOnes() {
        assertNull(VnicParameter.lookup("speed"));
        ConfigException e = assertThrows(ConfigException.class, () -> VnicParameter.byName("speed"));
        assertTrue(e.getMessage().contains("unknown parameter 'speed'"));
        assertTrue(e.getMessage().contains("mtu") && e.getMessage().contains("ipv4-addresses"));
    }

    @Test
    void idsAreStableAndUnique() {
        for (VnicParameter p : VnicParameter.values()) {
            assertEquals(p, VnicParameter.byId(p.id()));
            assertEquals(p.ordinal() + 1, p.id(), "ids are part of the file format: append, never renumber");
        }
    }
}

package io.quiver.configstore.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicParameter;
import org.junit.jupiter.api.Test;

class GuestPolicyTest {

    @Test
    void parsesTheTextFormAndWritesItBack() {
        GuestPolicy p = GuestPolicy.parse(" ipv4-addresses = 10.0.0.0/24 ;mtu=68..1500\ntransport-protocols=tcp,udp ");
        assertTrue(p.mayChange(VnicParameter.MTU));
        assertFalse(p.mayChange(VnicParameter.MAC));
        assertNull(p.allowed(VnicParameter.VLAN));
        assertEquals("ipv4-addresses=10.0.0.0/24; mtu=68..1500; transport-protocols=tcp,udp", p.toText());
        assertTrue(p.sameRules(GuestPolicy.parse(p.toText())));
    }

    @Test
    void noneAllowsNothing() {
        assertSame(GuestPolicy.NONE, GuestPolicy.parse("none"));
        assertSame(GuestPolicy.NONE, GuestPolicy.parse(""));
        assertEquals("none", GuestPolicy.NONE.toText());
        for (VnicParameter p : VnicParameter.values()) {
            assertFalse(GuestPolicy.NONE.mayChange(p));
        }
    }

    @Test
    void refusesUnknownParametersMissingEqualsAndDuplicates() {
        assertTrue(assertThrows(ConfigException.class, () -> GuestPolicy.parse("speed=10"))
                .getMessage().contains("unknown parameter 'speed'"));
        assertTrue(assertThrows(ConfigException.class, () -> GuestPolicy.parse("mtu 1500"))
                .getMessage().contains("has no '='"));
        assertTrue(assertThrows(ConfigException.class, () -> GuestPolicy.parse("mtu=1500; mtu=9000"))
                .getMessage().contains("names mtu twice"));
    }
}

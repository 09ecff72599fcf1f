package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.Change;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.Subscription.Kind;
import io.quiver.configstore.model.VnicConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subscription levels and flows in the store: what is refused, persistence, the journal and the change feed. */
class SubscriptionStoreTest {
    private static final Requester ADMIN = Requester.admin("ops");

    @TempDir
    Path dir;

    private static Subscription level(String name, PriorityClass cls, int rank, String... rules) {
        return Subscription.create(name, Kind.SUBSCRIPTION, cls, 0, 0, rank,
                java.util.Arrays.stream(rules).map(IdentificationRule::parse).toList());
    }

    private static DenialReason denied(ChangeResult r) {
        assertFalse(r.decision().allowed(), "expected a denial");
        return r.decision().reason();
    }

    @Test
    void levelsAndFlowsPersistInRankOrderAndAreAudited() {
        List<Change> feed = new ArrayList<>();
        try (ConfigStore s = ConfigStore.open(dir)) {
            s.addListener(feed::add);
            assertTrue(s.putVnic(ADMIN, VnicConfig.create("web1", "02:00:00:00:00:01")).decision().allowed());
            Subscription gold = Subscription.create("gold", Kind.SUBSCRIPTION, PriorityClass.HIGH,
                    Subscription.parseBandwidth("50M"), Subscription.parsePackets("10k"), 10,
                    List.of(IdentificationRule.parse("prefix=10.8.0.0/16"), IdentificationRule.parse("sni=*.gold.example"),
                            IdentificationRule.parse("token=X-Tier: gold,within=512")));
            assertTrue(s.putSubscription(ADMIN, gold).decision().allowed());
            assertTrue(s.putSubscription(ADMIN, Subscription.create("https", Kind.FLOW, PriorityClass.CRITICAL,
                    0, 0, 5, List.of(IdentificationRule.parse("vnic=web1,transport=tcp,local-port=443")))).decision().allowed());
            assertTrue(s.deleteSubscription(ADMIN, "https", Kind.FLOW).decision().allowed());
            assertTrue(s.putSubscription(ADMIN, level("bronze", PriorityClass.MEDIUM, 50, "transport=udp,remote-port=5001"))
                    .decision().allowed());
            assertEquals(List.of(), s.verify());
        }
        assertEquals(List.of(Action.VNIC_PUT, Action.SUBSCRIPTION_PUT, Action.SUBSCRIPTION_PUT, Action.SUBSCRIPTION_DELETE,
                Action.SUBSCRIPTION_PUT), feed.stream().map(Change::action).toList());
        assertTrue(feed.stream().skip(1).allMatch(c -> c.changesSubscription() && !c.changesVnic() && !c.changesVns()));
        try (ConfigStore s = ConfigStore.open(dir)) {
            assertEquals(List.of("gold", "bronze"), s.subscriptions().stream().map(Subscription::name).toList(), "by rank");
            Subscription gold = s.subscription("gold").orElseThrow();
            assertEquals(50_000_000L, gold.maxBandwidth());
            assertEquals(10_000L, gold.maxPackets());
            assertEquals(List.of("prefix=10.8.0.0/16", "sni=*.gold.example", "token=X-Tier: gold,within=512"), gold.ruleTexts());
            assertTrue(gold.revision() > 0);
            assertEquals(List.of(), s.verify());
            assertTrue(s.audit().after(0, 100).stream().anyMatch(r -> r.action() == Action.SUBSCRIPTION_DELETE
                    && r.vnic().equals("https") && r.committed()));
        }
    }

    @Test
    void ambiguousOrderUnknownVnicsAndBadLimitsAreRefused() {
        try (ConfigStore s = ConfigStore.open(dir)) {
            assertTrue(s.putVnic(ADMIN, VnicConfig.create("web1", "02:00:00:00:00:01")).decision().allowed());
            assertTrue(s.putSubscription(ADMIN, level("a", PriorityClass.HIGH, 10, "prefix=10.0.0.0/8")).decision().allowed());
            assertEquals(DenialReason.CONFLICT, denied(s.putSubscription(ADMIN,
                    level("b", PriorityClass.LOW, 10, "prefix=10.1.0.0/16"))), "same rank, could match the same connection");
            assertTrue(s.putSubscription(ADMIN, level("b", PriorityClass.LOW, 11, "prefix=10.1.0.0/16")).decision().allowed(),
                    "a rank says which is tried first");
            assertEquals(DenialReason.CONFLICT, denied(s.putSubscription(ADMIN, level("c", PriorityClass.LOW, 10,
                    "vnic=web1,local-ip=192.168.0.0/16"))), "a's prefix may be the remote end of web1's connection");
            assertEquals(DenialReason.CONFLICT, denied(s.putSubscription(ADMIN, level("d", PriorityClass.LOW, 11,
                    "transport=udp,remote-port=53"))), "b's prefix says nothing of ports");
            assertTrue(s.putSubscription(ADMIN, level("d", PriorityClass.LOW, 11, "transport=udp,remote-ip=192.0.2.0/24"))
                    .decision().allowed() == false, "b's prefix may be the local end");
            assertTrue(s.putSubscription(ADMIN, level("d", PriorityClass.LOW, 12, "transport=udp,remote-port=53"))
                    .decision().allowed(), "a rank of its own");
            assertEquals(DenialReason.UNKNOWN_VNIC, denied(s.putSubscription(ADMIN, level("e", PriorityClass.LOW, 20, "vnic=nosuch"))));
            assertTrue(s.putSubscription(ADMIN, Subscription.create("web-https", Kind.FLOW, PriorityClass.HIGH, 0, 0, 40,
                    List.of(IdentificationRule.parse("vnic=web1,transport=tcp,local-port=443")))).decision().allowed());
            assertEquals(DenialReason.IN_USE, denied(s.deleteVnic(ADMIN, "web1")), "a flow names it");
            assertEquals(DenialReason.CONFLICT, denied(s.putSubscription(ADMIN, Subscription.create("a", Kind.FLOW,
                    PriorityClass.HIGH, 0, 0, 30, List.of(IdentificationRule.parse("vnic=web1,transport=tcp"))))), "a is a subscription");
            assertEquals(DenialReason.INVALID_REQUEST, denied(s.deleteSubscription(ADMIN, "a", Kind.FLOW)));
            assertEquals(List.of(), s.verify());
        }
        ConfigException low = assertThrows(ConfigException.class, () -> Subscription.create("x", Kind.SUBSCRIPTION,
                PriorityClass.HIGH, Subscription.parseBandwidth("10k"), 0, 1, List.of(IdentificationRule.parse("prefix=10.0.0.0/8"))));
        assertTrue(low.getMessage().contains("under one 1500-byte frame"), low.getMessage());
        assertThrows(ConfigException.class, () -> PriorityClass.parse("urgent"));
        assertThrows(ConfigException.class, () -> IdentificationRule.parse("remote-port=443"), "a port needs a transport");
        assertThrows(ConfigException.class, () -> IdentificationRule.parse("sni=bad_name!"));
        assertThrows(ConfigException.class, () -> IdentificationRule.parse("colour=blue"));
        assertThrows(ConfigException.class, () -> IdentificationRule.parse("token=" + "x".repeat(200)));
        assertThrows(ConfigException.class, () -> Subscription.create("f", Kind.FLOW, PriorityClass.HIGH, 0, 0, 1,
                List.of(IdentificationRule.parse("transport=tcp"))), "a flow names its VNIC");
    }

    @Test
    void moreLevelsThanTheStoreTakesAreRefused() {
        try (ConfigStore s = ConfigStore.open(dir)) {
            for (int i = 0; i < SubscriptionRules.MAX_LEVELS; i++) {
                assertTrue(s.putSubscription(ADMIN, level("l" + i, PriorityClass.HIGH, i, "prefix=10.0.0.0/8")).decision().allowed());
            }
            ChangeResult over = s.putSubscription(ADMIN, level("one-more", PriorityClass.HIGH, 9999, "prefix=10.0.0.0/8"));
            assertEquals(DenialReason.LIMIT_EXCEEDED, denied(over));
            assertTrue(over.decision().message().contains("256"), over.decision().message());
            assertTrue(s.putSubscription(ADMIN, level("l0", PriorityClass.LOW, 0, "prefix=10.0.0.0/8")).decision().allowed(),
                    "replacing one is not one more");
        }
        ConfigException bad = assertThrows(ConfigException.class, () -> level("no spaces", PriorityClass.LOW, 1, "prefix=10.0.0.0/8"));
        assertTrue(bad.getMessage().contains("subscription level name"), bad.getMessage());
    }

    @Test
    void rulesRoundTripThroughTheirText() {
        for (String text : List.of("vnic=web1,transport=tcp,local-port=443", "prefix=10.0.0.0/8", "sni=www.example.com",
                "token-hex=00ff10", "token=GET /gold,within=64", "remote-ip=192.0.2.0/24,transport=udp,remote-port=53")) {
            IdentificationRule r = IdentificationRule.parse(text);
            assertEquals(r, IdentificationRule.parse(r.toString()), text);
        }
        assertTrue(IdentificationRule.matchesName("*.example.com", "a.b.example.com"));
        assertFalse(IdentificationRule.matchesName("*.example.com", "example.com"));
        assertFalse(IdentificationRule.matchesName("*.example.com", "badexample.com"));
    }
}

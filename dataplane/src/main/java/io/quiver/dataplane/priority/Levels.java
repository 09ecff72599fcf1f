package io.quiver.dataplane.priority;

import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.Ipv4Prefix;
import io.quiver.configstore.model.Subscription;
import io.quiver.dataplane.config.Defaults;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The subscription levels and flows compiled for the lcore: every rule as primitive fields, in the order they are
 * tried: rules deciding on a connection's first packet (levels by rank), then SNI rules, then payload-token rules.
 * Immutable; a change builds a new one, keeping each unchanged level's bucket and counters (levels keep their index
 * for as long as the datapath runs, so a connection identified before a change still names its level).
 */
public final class Levels {
    static final int FIRST_PACKET = 0;
    static final int SNI = 1;
    static final int TOKEN = 2;

    /** By level index (null where none): class, limits, policer, counters, name. */
    final byte[] levelClass;
    final TokenBucket[] policers;
    final LevelCounters[] counters;
    final Subscription[] levels;

    final int rules;
    final int[] kind;
    final int[] level;
    final int[] vnic;
    final int[] prefixBits;
    final int[] prefixMask;
    final int[] localBits;
    final int[] localMask;
    final int[] remoteBits;
    final int[] remoteMask;
    final int[] transport;
    final int[] localPort;
    final int[] remotePort;
    final byte[][] sni;
    final boolean[] sniSuffix;
    final byte[][] token;
    final int[] within;
    /** Whether any rule waits for payload; whether any is by SNI; the most payload bytes a token rule looks at. */
    final boolean payloadRules;
    final boolean sniRules;
    final int tokenWindow;
    /** By class (0..3): whether some level can put a connection of VNIC v in it; see {@link #classUsed}. */
    private final boolean[][] classesByVnic;
    private final boolean[] classesAnyVnic;

    /**
     * @param ordered    the levels in rank order
     * @param indexes    each level's index (stable while the datapath runs)
     * @param vnicIndex  a VNIC's index by name, -1 when it has none (a rule naming it then matches nothing)
     * @param previous   the levels this replaces, or null: an unchanged level keeps its bucket and counters
     */
    public Levels(List<Subscription> ordered, Map<String, Integer> indexes, ToIntFunction<String> vnicIndex, Levels previous,
                  long nowNanos) {
        int size = indexes.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        levelClass = new byte[size];
        policers = new TokenBucket[size];
        counters = new LevelCounters[size];
        levels = new Subscription[size];
        List<Object[]> compiled = new ArrayList<>();
        classesAnyVnic = new boolean[4];
        classesByVnic = new boolean[4][];
        for (int pass = FIRST_PACKET; pass <= TOKEN; pass++) {
            for (Subscription s : ordered) {
                int at = indexes.get(s.name());
                for (IdentificationRule r : s.rules()) {
                    int k = r.onFirstPacket() ? FIRST_PACKET : r.sni() != null ? SNI : TOKEN;
                    if (k == pass) {
                        compiled.add(new Object[] {at, r});
                    }
                }
            }
        }
        for (Subscription s : ordered) {
            int at = indexes.get(s.name());
            levels[at] = s;
            levelClass[at] = (byte) s.priority().code();
            Subscription before = previous != null && at < previous.levels.length ? previous.levels[at] : null;
            counters[at] = before != null && before.name().equals(s.name()) ? previous.counters[at] : new LevelCounters();
            if (s.maxBandwidth() > 0 || s.maxPackets() > 0) {
                boolean same = before != null && before.name().equals(s.name()) && before.maxBandwidth() == s.maxBandwidth()
                        && before.maxPackets() == s.maxPackets() && previous.policers[at] != null;
                policers[at] = same ? previous.policers[at] : TokenBucket.of(s.maxBandwidth(), s.maxPackets(),
                        Defaults.MTU + 14, POLICER_BURST_MILLIS, nowNanos);
            }
        }
        rules = compiled.size();
        kind = new int[rules];
        level = new int[rules];
        vnic = new int[rules];
        prefixBits = new int[rules];
        prefixMask = new int[rules];
        localBits = new int[rules];
        localMask = new int[rules];
        remoteBits = new int[rules];
        remoteMask = new int[rules];
        transport = new int[rules];
        localPort = new int[rules];
        remotePort = new int[rules];
        sni = new byte[rules][];
        sniSuffix = new boolean[rules];
        token = new byte[rules][];
        within = new int[rules];
        boolean payload = false;
        boolean byName = false;
        int widest = 0;
        for (int i = 0; i < rules; i++) {
            int at = (Integer) compiled.get(i)[0];
            IdentificationRule r = (IdentificationRule) compiled.get(i)[1];
            kind[i] = r.onFirstPacket() ? FIRST_PACKET : r.sni() != null ? SNI : TOKEN;
            level[i] = at;
            vnic[i] = r.vnic() == null ? -1 : vnicIndex.applyAsInt(r.vnic());
            if (r.vnic() != null && vnic[i] < 0) {
                vnic[i] = Integer.MIN_VALUE; // a VNIC the datapath does not have: the rule matches nothing
            }
            setPrefix(r.prefix(), prefixBits, prefixMask, i);
            setPrefix(r.localIp(), localBits, localMask, i);
            setPrefix(r.remoteIp(), remoteBits, remoteMask, i);
            transport[i] = r.transport();
            localPort[i] = r.localPort();
            remotePort[i] = r.remotePort();
            if (r.sni() != null) {
                sniSuffix[i] = r.sni().startsWith("*.");
                sni[i] = (sniSuffix[i] ? r.sni().substring(1) : r.sni()).getBytes(StandardCharsets.US_ASCII);
            }
            token[i] = r.token();
            within[i] = r.token() != null ? r.within() : 0;
            if (kind[i] != FIRST_PACKET) {
                payload = true;
                byName |= kind[i] == SNI;
                widest = Math.max(widest, within[i]);
            }
            int cls = levelClass[at];
            if (vnic[i] == -1) {
                classesAnyVnic[cls] = true;
            } else if (vnic[i] >= 0) {
                if (classesByVnic[cls] == null || classesByVnic[cls].length <= vnic[i]) {
                    boolean[] grown = new boolean[Math.max(vnic[i] + 1, classesByVnic[cls] == null ? 0 : classesByVnic[cls].length * 2)];
                    if (classesByVnic[cls] != null) {
                        System.arraycopy(classesByVnic[cls], 0, grown, 0, classesByVnic[cls].length);
                    }
                    classesByVnic[cls] = grown;
                }
                classesByVnic[cls][vnic[i]] = true;
            }
        }
        payloadRules = payload;
        sniRules = byName;
        tokenWindow = widest;
    }

    /** A level's policer burst: 100 ms at its rate, as a VNIC's (TCP keeps near the rate with it). */
    static final int POLICER_BURST_MILLIS = 100;

    private static void setPrefix(Ipv4Prefix p, int[] bits, int[] mask, int i) {
        if (p != null) {
            bits[i] = p.network().bits();
            mask[i] = p.mask();
        }
    }

    /** Whether some level can put traffic of VNIC {@code v} in class {@code cls}: the VNIC then needs that class's ring. */
    public boolean classUsed(int v, int cls) {
        return classesAnyVnic[cls] || classesByVnic[cls] != null && v < classesByVnic[cls].length && classesByVnic[cls][v];
    }

    /** Whether rule {@code r}'s header conditions hold for a connection of VNIC {@code v}. */
    boolean headersMatch(int r, int v, int protocol, int localIp, int remoteIp, int lport, int rport) {
        return (vnic[r] == -1 || vnic[r] == v)
                && ((localIp & prefixMask[r]) == prefixBits[r] || (remoteIp & prefixMask[r]) == prefixBits[r])
                && (localIp & localMask[r]) == localBits[r]
                && (remoteIp & remoteMask[r]) == remoteBits[r]
                && (transport[r] == 0 || transport[r] == protocol)
                && (localPort[r] < 0 || localPort[r] == lport)
                && (remotePort[r] < 0 || remotePort[r] == rport);
    }

    /** The first first-packet rule that matches the connection, or -1. */
    int firstPacket(int v, int protocol, int localIp, int remoteIp, int lport, int rport) {
        for (int r = 0; r < rules && kind[r] == FIRST_PACKET; r++) {
            if (headersMatch(r, v, protocol, localIp, remoteIp, lport, rport)) {
                return r;
            }
        }
        return -1;
    }

    /** Whether a payload rule (SNI or token) could still identify the connection. */
    boolean wantsPayload(int v, int protocol, int localIp, int remoteIp, int lport, int rport) {
        if (!payloadRules) {
            return false;
        }
        for (int r = 0; r < rules; r++) {
            if (kind[r] != FIRST_PACKET && headersMatch(r, v, protocol, localIp, remoteIp, lport, rport)
                    && (kind[r] == TOKEN || protocol == 6)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first payload rule that identifies the connection from what was collected: the server name ({@code name[nameAt ..
     * nameAt + nameLength)}, {@code nameLength} -1 when there is none) and the first {@code length} payload bytes; -1
     * for none (yet).
     */
    int payload(int v, int protocol, int localIp, int remoteIp, int lport, int rport, byte[] name, int nameAt,
                int nameLength, byte[] data, int length) {
        for (int r = 0; r < rules; r++) {
            if (kind[r] == FIRST_PACKET || !headersMatch(r, v, protocol, localIp, remoteIp, lport, rport)) {
                continue;
            }
            if (kind[r] == SNI ? nameLength >= 0 && nameMatches(r, name, nameAt, nameLength)
                    : contains(data, Math.min(length, within[r]), token[r])) {
                return r;
            }
        }
        return -1;
    }

    /** Whether every token rule's window is covered by {@code length} bytes (nothing later can match a token). */
    boolean tokensSettled(int length) {
        return length >= tokenWindow;
    }

    private boolean nameMatches(int r, byte[] name, int at, int length) {
        byte[] want = sni[r];
        if (sniSuffix[r] ? length <= want.length : length != want.length) {
            return false;
        }
        int from = at + length - want.length;
        for (int k = 0; k < want.length; k++) {
            int c = name[from + k];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != want[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] data, int length, byte[] needle) {
        int last = length - needle.length;
        byte first = needle[0];
        outer:
        for (int i = 0; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (data[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public int classOf(int levelIndex) {
        return levelClass[levelIndex];
    }

    /** The level at {@code index}, or null (removed, or never). */
    public Subscription level(int index) {
        return index >= 0 && index < levels.length ? levels[index] : null;
    }

    public LevelCounters counters(int index) {
        return counters[index];
    }

    public int size() {
        return levels.length;
    }
}

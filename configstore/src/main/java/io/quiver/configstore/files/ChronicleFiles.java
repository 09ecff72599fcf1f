package io.quiver.configstore.files;

import io.quiver.configstore.files.SchemaVersion.Role;
import io.quiver.configstore.model.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and opens the store's Chronicle Map files. A file is created under a temporary name, given its schema
 * header, closed and renamed into place, so a file under its final name always has a header. Opening verifies the
 * header before anything else is read; {@code recover} runs Chronicle's recovery first (only when the last writer
 * died holding the file).
 */
public final class ChronicleFiles {
    public static final String VNICS = "vnics.cm3";
    public static final String POLICIES = "policies.cm3";
    /** The VNS map (VNS name -> its properties) and the route map ("vns prefix" -> route), added after schema 1's
     * first files: a store without them gets them, empty, when it is next opened for writing. */
    public static final String VNS = "vns.cm3";
    public static final String ROUTES = "routes.cm3";
    /** Subscription levels and flows by name, added like the VNS map. */
    public static final String SUBSCRIPTIONS = "subscriptions.cm3";
    public static final String LOCK = "writer.lock";
    public static final String JOURNAL_PREFIX = "journal-";
    public static final String SUFFIX = ".cm3";
    public static final String TMP_SUFFIX = ".tmp";
    public static final String SNAPSHOT_PREFIX = "snapshot-";
    public static final String SNAPSHOT_SUFFIX = ".bin";
    /** The key of the schema header in the VNIC and policy maps (VNIC names cannot start with '#'). */
    public static final String HEADER_KEY = "#schema";
    /** The key of the schema header in a journal segment (sequences start at 1). */
    public static final long JOURNAL_HEADER_KEY = 0L;

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleFiles.class);
    private static final double AVERAGE_VNIC_BYTES = 256;
    private static final double AVERAGE_POLICY_BYTES = 256;
    private static final double AVERAGE_RECORD_BYTES = 448;
    private static final double AVERAGE_VNS_BYTES = 512;
    private static final double AVERAGE_ROUTE_BYTES = 56;

    private ChronicleFiles() {
    }

    /** Entries to size a map for, with slack so that it never needs Chronicle's overflow tiers. */
    static long sized(long capacity) {
        return capacity + capacity / 4 + 16;
    }

    private static ChronicleMapBuilder<CharSequence, byte[]> namedBuilder(Role role, long capacity) {
        return ChronicleMapBuilder.of(CharSequence.class, byte[].class)
                .name("quiver-" + role.name().toLowerCase(Locale.ROOT))
                .entries(sized(capacity))
                .averageKeySize(16)
                .averageValueSize(switch (role) {
                    case VNICS -> AVERAGE_VNIC_BYTES;
                    case VNS, SUBSCRIPTIONS -> AVERAGE_VNS_BYTES;
                    case ROUTES -> AVERAGE_ROUTE_BYTES;
                    default -> AVERAGE_POLICY_BYTES;
                });
    }

    private static ChronicleMapBuilder<Long, byte[]> journalBuilder(long capacity) {
        return ChronicleMapBuilder.of(Long.class, byte[].class)
                .name("quiver-journal")
                .entries(sized(capacity))
                .averageValueSize(AVERAGE_RECORD_BYTES);
    }

    public static Path segmentPath(Path dir, long firstSequence) {
        return dir.resolve(String.format(Locale.ROOT, "%s%020d%s", JOURNAL_PREFIX, firstSequence, SUFFIX));
    }

    /**
     * Makes every file of the store in {@code dir} readable and writable by its owner only ({@link OwnerOnly}): new
     * files are made so as they are created, and this tightens those an older Quiver left to the umask.
     */
    public static void restrictStoreFiles(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> isStoreFile(p.getFileName().toString())).toList()) {
                OwnerOnly.restrict(p);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isStoreFile(String name) {
        return name.equals(LOCK) || name.endsWith(SUFFIX) || name.endsWith(TMP_SUFFIX)
                || name.startsWith(SNAPSHOT_PREFIX) && name.endsWith(SNAPSHOT_SUFFIX);
    }

    /** The snapshot of the state at {@code sequence} (journal/Snapshot). */
    public static Path snapshotPath(Path dir, long sequence) {
        return dir.resolve(String.format(Locale.ROOT, "%s%020d%s", SNAPSHOT_PREFIX, sequence, SNAPSHOT_SUFFIX));
    }

    /** The sequence named by a snapshot's file name, or -1 for any other file. */
    public static long snapshotSequence(Path file) {
        String n = file.getFileName().toString();
        if (!n.startsWith(SNAPSHOT_PREFIX) || !n.endsWith(SNAPSHOT_SUFFIX)) {
            return -1;
        }
        String digits = n.substring(SNAPSHOT_PREFIX.length(), n.length() - SNAPSHOT_SUFFIX.length());
        return digits.length() == 20 && digits.chars().allMatch(Character::isDigit) ? Long.parseLong(digits) : -1;
    }

    /** The first sequence named by a journal segment's file name, or -1 for any other file. */
    public static long segmentFirstSequence(Path file) {
        String n = file.getFileName().toString();
        if (!n.startsWith(JOURNAL_PREFIX) || !n.endsWith(SUFFIX)) {
            return -1;
        }
        String digits = n.substring(JOURNAL_PREFIX.length(), n.length() - SUFFIX.length());
        return digits.length() == 20 && digits.chars().allMatch(Character::isDigit) ? Long.parseLong(digits) : -1;
    }

    /** Creates the VNIC or policy map file {@code file} for {@code capacity} entries. */
    public static void createNamed(Path file, Role role, long capacity) {
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try {
            Files.deleteIfExists(tmp);
            try (ChronicleMap<CharSequence, byte[]> map = namedBuilder(role, capacity).createPersistedTo(tmp.toFile())) {
                map.put(HEADER_KEY, SchemaVersion.encode(role, 0, (int) Math.min(capacity, Integer.MAX_VALUE)));
            }
            OwnerOnly.restrict(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot create configstore file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens the VNIC or policy map file after checking its schema header. */
    public static ChronicleMap<CharSequence, byte[]> openNamed(Path file, Role role, boolean recover,
                                                               List<String> recoveryLog) {
        ChronicleMapBuilder<CharSequence, byte[]> builder = namedBuilder(role, 1);
        ChronicleMap<CharSequence, byte[]> map = open(file, recover, recoveryLog, builder);
        try {
            byte[] header;
            try {
                header = map.get(HEADER_KEY);
            } catch (RuntimeException e) {
                throw new ConfigException("configstore file " + file + " cannot be read as a schema "
                        + SchemaVersion.CURRENT + " " + role.name().toLowerCase(Locale.ROOT) + " file: " + e, e);
            }
            SchemaVersion.verify(file, header, role);
            return map;
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** Creates an empty journal segment whose first record will be {@code firstSequence}. */
    public static void createSegment(Path dir, long firstSequence, int capacity) {
        Path file = segmentPath(dir, firstSequence);
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try {
            Files.deleteIfExists(tmp);
            try (ChronicleMap<Long, byte[]> map = journalBuilder(capacity).createPersistedTo(tmp.toFile())) {
                map.put(JOURNAL_HEADER_KEY, SchemaVersion.encode(Role.JOURNAL, firstSequence, capacity));
            }
            OwnerOnly.restrict(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot create journal file " + file + ": " + e.getMessage(), e);
        }
    }

    /** An open journal segment and its header. */
    public record Segment(Path file, ChronicleMap<Long, byte[]> map, long firstSequence, int capacity) {
        public long lastPossibleSequence() {
            return firstSequence + capacity - 1;
        }
    }

    /** Opens a journal segment after checking its header, which must agree with the file name. */
    public static Segment openSegment(Path file, boolean recover, List<String> recoveryLog) {
        ChronicleMap<Long, byte[]> map = open(file, recover, recoveryLog, journalBuilder(16));
        try {
            byte[] header;
            try {
                header = map.get(JOURNAL_HEADER_KEY);
            } catch (RuntimeException e) {
                throw new ConfigException("configstore file " + file + " cannot be read as a schema "
                        + SchemaVersion.CURRENT + " journal file: " + e, e);
            }
            SchemaVersion.Header h = SchemaVersion.verify(file, header, Role.JOURNAL);
            if (h.firstSequence() != segmentFirstSequence(file) || h.capacity() < 1) {
                throw new ConfigException("journal file " + file + " says it starts at sequence "
                        + h.firstSequence() + ", which disagrees with its name: files were renamed");
            }
            return new Segment(file, map, h.firstSequence(), h.capacity());
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    private static <K> ChronicleMap<K, byte[]> open(Path file, boolean recover, List<String> recoveryLog,
                                                    ChronicleMapBuilder<K, byte[]> builder) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configstore file " + file + " is missing");
        }
        try {
            if (recover) {
                ChronicleHashCorruption.Listener listener = c -> {
                    String line = file.getFileName() + ": " + c.message();
                    LOG.warn("recovery of {}", line);
                    synchronized (recoveryLog) {
                        recoveryLog.add(line);
                    }
                };
                return builder.recoverPersistedTo(file.toFile(), true, listener);
            }
            return builder.createPersistedTo(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot open configstore file " + file + ": " + e.getMessage(), e);
        }
    }
}

package io.quiver.dataplane.offload.tls.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.PskKind;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.TranscriptPoint;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The wire codes in docs/tls-offload.md are the enums' positions: the C client and any other client are written
 * from that list, so a reordered or inserted enum constant (which would change a code) fails here.
 */
class WireCodesDocTest {
    private static String doc() throws Exception {
        return Files.readString(Path.of(System.getProperty("quiver.home"), "docs", "tls-offload.md"));
    }

    /** The codes the document lists after {@code label}: "1 `NAME`, 2 `NAME`, ...". */
    private static List<String> listed(String doc, String label) {
        int at = doc.indexOf(label);
        assertTrue(at >= 0, "docs/tls-offload.md lists " + label);
        String line = doc.substring(at, doc.indexOf('\n', at));
        Matcher m = Pattern.compile("(\\d+) `([A-Z0-9_]+)`").matcher(line);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            assertEquals(names.size() + 1, Integer.parseInt(m.group(1)), line);
            names.add(m.group(2));
        }
        return names;
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    @Test
    void theDocumentedCodesAreTheEnumsPositions() throws Exception {
        String doc = doc();
        assertEquals(names(TlsRole.values()), listed(doc, "* role: "));
        assertEquals(names(PskKind.values()), listed(doc, "* PSK kind: "));
        assertEquals(names(TranscriptPoint.values()), listed(doc, "* transcript point: "));
        assertEquals(names(HandshakeProgress.values()), listed(doc, "* progress: "));
        assertEquals(names(SecretKind.values()), listed(doc, "* secret kind: "));
        assertEquals(names(FailureReason.values()), listed(doc, "* reason: "));
        List<String> operations = new ArrayList<>(names(OffloadOperation.values()));
        operations.remove(OffloadOperation.CLOSE_CLIENT.name()); // the service's own, never on the wire
        assertEquals(operations, listed(doc, "Operations: "));
        assertEquals(OffloadOperation.values().length, OffloadOperation.CLOSE_CLIENT.ordinal() + 1,
                "CLOSE_CLIENT stays last, so no wire operation moves");
    }
}

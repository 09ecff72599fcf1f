package io.quiver.control.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An operator's configuration file, whatever it holds, loads or is refused with an {@link InvalidConfigException} that
 * names the file and says what is wrong (docs/testing.md, "Fuzzing"); nothing else escapes, and no refusal is a bare
 * "null" from a failure nobody explained. The seed corpus is the examples of docs/*.md and the labs' files.
 */
class ConfigFileFuzzTest {
    static final String ORIGIN = "fuzzed.yaml";

    @FuzzTest(maxDuration = "30s")
    void aFileLoadsOrIsRefusedSayingWhy(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            ConfigFile.load(text, ORIGIN);
        } catch (InvalidConfigException e) {
            String m = e.getMessage();
            assertTrue(m != null && m.startsWith(ORIGIN + ": ") && m.length() > ORIGIN.length() + 2, "names the file and the problem: " + m);
            assertFalse(m.endsWith(": null"), "a failure nobody explained: " + m);
            for (String javaWords : List.of("io.quiver", "java.", "`", "Exception")) { // unless the file itself said them
                assertFalse(m.contains(javaWords) && !text.contains(javaWords), "says what is wrong in words, not in Java's: " + m);
            }
        }
    }
}

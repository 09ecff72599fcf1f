package io.quiver.perf.measure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Machine-readable benchmark results: one JSON object per run, saved under perf/results/. */
public final class ResultFile {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFile() {
    }

    /** A result object with what every run records about where it ran. */
    public static ObjectNode start(String benchmark) {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", benchmark);
        root.put("time", LocalDateTime.now().toString());
        root.put("java", Runtime.version().toString());
        root.put("cpus", Runtime.getRuntime().availableProcessors());
        root.put("host", System.getenv().getOrDefault("HOSTNAME", "unknown"));
        return root;
    }

    public static ObjectNode samples(ObjectNode parent, String field, Samples s) {
        ObjectNode n = parent.putObject(field);
        n.put("min", s.min());
        n.put("median", s.median());
        n.put("max", s.max());
        var arr = n.putArray("samples");
        s.values().forEach(arr::add);
        return n;
    }

    /** Writes {@code result} to {@code perf/results/<benchmark>-<time>.json} under the Quiver home; returns the path. */
    public static Path save(ObjectNode result) throws IOException {
        Path dir = Path.of(System.getProperty("quiver.home", "."), "perf", "results");
        Files.createDirectories(dir);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path file = dir.resolve(result.get("benchmark").asText() + "-" + stamp + ".json");
        JSON.writeValue(file.toFile(), result);
        return file;
    }
}

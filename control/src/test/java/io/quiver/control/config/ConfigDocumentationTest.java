package io.quiver.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every key of the configuration file's model is documented in docs/configuration.md, as `path.to.key`. */
class ConfigDocumentationTest {
    /** The keys of a record type, nested records and lists of records followed ({@code ports[].name}). */
    static List<String> keys(Class<?> type, String prefix) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            com.fasterxml.jackson.annotation.JsonProperty named =
                    c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            String key = prefix + (named != null ? named.value() : c.getName());
            Class<?> t = c.getType();
            if (t.isRecord()) {
                out.addAll(keys(t, key + "."));
            } else if (List.class.isAssignableFrom(t) && elementRecord(c.getGenericType()) != null) {
                out.addAll(keys(elementRecord(c.getGenericType()), key + "[]."));
            } else {
                out.add(key);
            }
        }
        return out;
    }

    private static Class<?> elementRecord(Type generic) {
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> e && e.isRecord()) {
            return e;
        }
        return null;
    }

    @Test
    void everyKeyIsDocumented() throws Exception {
        String doc = Files.readString(Path.of(System.getProperty("quiver.home"), "docs", "configuration.md"));
        List<String> keys = keys(ConfigFile.Document.class, "");
        assertTrue(keys.size() > 40, "the model's keys were found: " + keys);
        List<String> missing = keys.stream().filter(k -> !doc.contains("`" + k + "`")).toList();
        assertEquals(List.of(), missing, "keys of ConfigFile.Document without a row in docs/configuration.md");
    }
}

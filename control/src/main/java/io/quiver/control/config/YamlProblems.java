package io.quiver.control.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What is wrong with a configuration file, in the file's words: where (the key path, the line) and what was expected.
 * Jackson's own messages name Quiver's Java classes ("Cannot construct instance of `...ConfigFile$Document`"), which
 * tell an operator nothing; ConfigFileFuzzTest found them.
 */
final class YamlProblems {
    private YamlProblems() {
    }

    static String describe(JacksonException e) {
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        if (e instanceof PropertyBindingException unknown) {
            return "unknown key '" + unknown.getPropertyName() + "'" + at(unknown, 1) + where + "; the keys there are "
                    + unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
        }
        if (e instanceof InvalidNullException empty) {
            return "an empty entry" + at(empty, 0) + where;
        }
        if (e instanceof ValueInstantiationException invalid && invalid.getCause() != null) {
            return invalid.getCause().getMessage() + at(invalid, 0) + where;
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String path = at(mismatch, 0);
            return (path.isEmpty() ? "the file must be a mapping of sections (ports:, uplink:, vnics:, ...)"
                    : "expected " + kind(mismatch.getTargetType()) + path) + where;
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "a value the file cannot hold" + at(mapping, 0) + where;
        }
        return e.getOriginalMessage() + where; // the YAML parser's own: a syntax error, in YAML's words
    }

    /** " at 'ports[0].mtu'": the key path, less its last {@code dropLast} steps; "" at the top. */
    private static String at(JsonMappingException e, int dropLast) {
        StringBuilder path = new StringBuilder();
        var steps = e.getPath();
        for (int i = 0; i < steps.size() - dropLast; i++) {
            JsonMappingException.Reference r = steps.get(i);
            if (r.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "" : " at '" + path + "'";
    }

    private static String kind(Class<?> type) {
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == String.class) {
            return "text";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return "another kind of value";
    }
}

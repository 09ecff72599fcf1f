package io.quiver.configstore.policy;

import io.quiver.configstore.model.ValueType;
import java.util.Arrays;

/** An explicit list of allowed values. */
public final class ValueList implements AllowedValues {
    private final ValueType type;
    private final long[] inOrder;
    private final long[] sorted;

    ValueList(ValueType type, long[] values) {
        this.type = type;
        this.inOrder = values.clone();
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    @Override
    public boolean allows(long element) {
        return Arrays.binarySearch(sorted, element) >= 0;
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        for (long v : inOrder) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(type.format(v));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueList other && Arrays.equals(sorted, other.sorted);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sorted);
    }

    @Override
    public String toString() {
        return toText();
    }
}

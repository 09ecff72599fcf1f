package io.quiver.configstore.policy;

import io.quiver.configstore.model.ValueType;
import java.util.Arrays;

/** A union of inclusive ranges {@code lo..hi} of a numeric parameter (a single value is a range of one). */
public final class RangeSet implements AllowedValues {
    private final ValueType type;
    private final long[] lows;
    private final long[] highs;

    /** {@code lows[i]..highs[i]}, sorted by low and not overlapping. */
    RangeSet(ValueType type, long[] lows, long[] highs) {
        this.type = type;
        this.lows = lows.clone();
        this.highs = highs.clone();
    }

    @Override
    public boolean allows(long element) {
        int i = Arrays.binarySearch(lows, element);
        if (i >= 0) {
            return true;
        }
        int below = -i - 2;
        return below >= 0 && element <= highs[below];
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lows.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(type.format(lows[i]));
            if (highs[i] != lows[i]) {
                b.append("..").append(type.format(highs[i]));
            }
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSet other && Arrays.equals(lows, other.lows) && Arrays.equals(highs, other.highs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lows) * 31 + Arrays.hashCode(highs);
    }

    @Override
    public String toString() {
        return toText();
    }
}

package io.quiver.configstore.model;

/**
 * A whole number in {@code min..max}, optionally with unit suffixes (k, M, G) and a word for "not set" (encoded 0).
 */
final class IntegerType implements ValueType {
    /** How the suffixes k, M, G scale a number. */
    enum Units {
        NONE(0), DECIMAL(1000), BINARY(1024);

        final long base;

        Units(long base) {
            this.base = base;
        }
    }

    private final String what;
    private final long min;
    private final long max;
    private final Units units;
    private final String noneLabel;

    IntegerType(String what, long min, long max, Units units, String noneLabel) {
        this.what = what;
        this.min = min;
        this.max = max;
        this.units = units;
        this.noneLabel = noneLabel;
    }

    @Override
    public long parse(CharSequence s, int from, int to, StringBuilder why) {
        if (noneLabel != null && Text.equalsIgnoreCase(s, from, to, noneLabel)) {
            return 0;
        }
        long scale = 1;
        int end = to;
        if (units != Units.NONE && to > from) {
            switch (s.charAt(to - 1)) {
                case 'k', 'K' -> scale = units.base;
                case 'm', 'M' -> scale = units.base * units.base;
                case 'g', 'G' -> scale = units.base * units.base * units.base;
                default -> scale = 1;
            }
            if (scale != 1) {
                end--;
            }
        }
        long v = Text.parseDecimal(s, from, end, Long.MAX_VALUE / scale);
        if (v < 0) {
            return fail(why, s, from, to);
        }
        v *= scale;
        if (v < min || v > max || (v == 0 && noneLabel != null)) {
            return fail(why, s, from, to);
        }
        return v;
    }

    private long fail(StringBuilder why, CharSequence s, int from, int to) {
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not ").append(describe());
        }
        return INVALID;
    }

    @Override
    public String format(long encoded) {
        if (encoded == 0 && noneLabel != null) {
            return noneLabel;
        }
        if (units != Units.NONE && encoded != 0) {
            long b = units.base;
            if (encoded % (b * b * b) == 0) {
                return encoded / (b * b * b) + "G";
            }
            if (encoded % (b * b) == 0) {
                return encoded / (b * b) + "M";
            }
            if (encoded % b == 0) {
                return encoded / b + "k";
            }
        }
        return Long.toString(encoded);
    }

    @Override
    public String describe() {
        String range = format(min) + ".." + format(max);
        String suffix = switch (units) {
            case NONE -> "";
            case DECIMAL -> " (suffixes k, M, G multiply by 1000)";
            case BINARY -> " (suffixes k, M, G multiply by 1024)";
        };
        return what + " from " + range + suffix + (noneLabel != null ? ", or " + noneLabel : "");
    }

    @Override
    public boolean isNumeric() {
        return true;
    }

    @Override
    public String noneLabel() {
        return noneLabel;
    }
}

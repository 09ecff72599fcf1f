package io.quiver.configstore.model;

/**
 * A VNS name ({@link VnsNames}) as two words: ten 6-bit character codes each, 0 padding the end, so every encoded
 * word is non-negative and the parse allocates nothing.
 */
final class VnsNameType implements ValueType {
    private static final int PER_WORD = 10;

    @Override
    public int width() {
        return 2;
    }

    @Override
    public long parse(CharSequence s, int from, int to, StringBuilder why) {
        throw new UnsupportedOperationException("a VNS name takes two words: parseInto");
    }

    @Override
    public boolean parseInto(CharSequence s, int from, int to, long[] out, int at, StringBuilder why) {
        if (!VnsNames.isValid(s, from, to)) {
            if (why != null) {
                why.append(Text.quote(s, from, to)).append(" is not ").append(describe());
            }
            return false;
        }
        out[at] = 0;
        out[at + 1] = 0;
        for (int i = from; i < to; i++) {
            int k = i - from;
            out[at + k / PER_WORD] |= (long) VnsNames.code(s.charAt(i)) << (6 * (k % PER_WORD));
        }
        return true;
    }

    @Override
    public String format(long encoded) {
        throw new UnsupportedOperationException("a VNS name takes two words");
    }

    @Override
    public String format(long[] words, int at) {
        StringBuilder b = new StringBuilder(VnsNames.MAX_LENGTH);
        for (int w = 0; w < 2; w++) {
            for (int k = 0; k < PER_WORD; k++) {
                int code = (int) (words[at + w] >>> (6 * k)) & 63;
                if (code == 0) {
                    return b.toString();
                }
                b.append(VnsNames.character(code));
            }
        }
        return b.toString();
    }

    @Override
    public boolean sameElement(long[] a, int i, long[] b, int j) {
        return a[i] == b[j] && a[i + 1] == b[j + 1];
    }

    @Override
    public String describe() {
        return "a VNS name (1 to " + VnsNames.MAX_LENGTH + " lower-case letters, digits, '.', '_', '-')";
    }
}

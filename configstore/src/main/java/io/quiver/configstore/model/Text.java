package io.quiver.configstore.model;

/** Allocation-free helpers over character ranges {@code [from, to)} of a {@link CharSequence}. */
final class Text {
    private Text() {
    }

    static int skipSpaces(CharSequence s, int from, int to) {
        while (from < to && Character.isWhitespace(s.charAt(from))) {
            from++;
        }
        return from;
    }

    static int trimEnd(CharSequence s, int from, int to) {
        while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    static int indexOf(CharSequence s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code s[from, to)} equals {@code lowerCase}, ignoring ASCII case. */
    static boolean equalsIgnoreCase(CharSequence s, int from, int to, String lowerCase) {
        if (to - from != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            char c = s.charAt(from + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The decimal number in {@code s[from, to)}, or -1 when it is empty, not all digits, or above {@code max}. */
    static long parseDecimal(CharSequence s, int from, int to, long max) {
        if (from >= to) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int d = c - '0';
            if (v > (max - d) / 10) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The text of {@code s[from, to)} quoted for an error message, shortened when long. */
    static String quote(CharSequence s, int from, int to) {
        int end = Math.min(to, from + 64);
        return "'" + s.subSequence(from, end) + (end < to ? "...'" : "'");
    }
}

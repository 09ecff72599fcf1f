package io.quiver.control.guest;

/** The protocol's text rules, shared by the records (which hold to them) and the decoder (which reports breaches). */
final class GuestText {
    private static final int MAX_QUOTED = 40;

    private GuestText() {
    }

    static int checkId(int id) {
        if (id < 1) {
            throw new GuestProtocolException("bad request id " + id + ": use 1 to " + Integer.MAX_VALUE);
        }
        return id;
    }

    static long checkSequence(long sequence) {
        if (sequence < 1) {
            throw new GuestProtocolException("bad sequence " + sequence + ": use 1 to " + Long.MAX_VALUE);
        }
        return sequence;
    }

    /** A parameter name or a reason: 1 to {@link GuestProtocol#MAX_NAME} of a-z, 0-9 and '-', starting with a-z. */
    static String checkName(String field, String name) {
        if (name == null) {
            throw new GuestProtocolException("missing " + field);
        }
        if (!isName(name)) {
            throw new GuestProtocolException("bad " + field + " " + quote(name) + ": use 1 to " + GuestProtocol.MAX_NAME
                    + " of a-z, 0-9 and '-', starting with a letter");
        }
        return name;
    }

    static boolean isName(CharSequence s) {
        int n = s.length();
        if (n == 0 || n > GuestProtocol.MAX_NAME) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A value or a message: not empty, no forbidden character, no space at either end (the encoder judges size). */
    static String checkValue(String field, String value) {
        if (value == null) {
            throw new GuestProtocolException("missing " + field);
        }
        String why = whyBadValue(value);
        if (why != null) {
            throw new GuestProtocolException("bad " + field + ": " + why);
        }
        return value;
    }

    static String whyBadValue(String value) {
        if (value.isEmpty()) {
            return "it is empty";
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (isForbidden(cp)) {
                return describe(cp) + " at character " + (i + 1);
            }
            i += Character.charCount(cp);
        }
        if (isSpace(value.codePointAt(0)) || isSpace(value.codePointBefore(value.length()))) {
            return "it starts or ends with a space";
        }
        return null;
    }

    /**
     * Characters no message may hold (line feed aside, which ends lines): controls (C0, DEL, C1), format characters
     * (bidirectional overrides, zero-width ones, byte-order marks), line and paragraph separators, lone surrogates.
     * They would let a value hide or rewrite what an audit line or a terminal shows.
     */
    static boolean isForbidden(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE -> true;
            default -> false;
        };
    }

    static boolean isSpace(int cp) {
        return Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    static String describe(int cp) {
        String name = switch (cp) {
            case '\r' -> " (carriage return: lines end with \\n alone)";
            case '\t' -> " (tab: separate with one space)";
            case 0 -> " (NUL)";
            default -> "";
        };
        return String.format("%s U+%04X%s", Character.getType(cp) == Character.CONTROL ? "control character"
                : "forbidden character", cp, name);
    }

    /** {@code s} quoted for an error message, cut to a readable length, forbidden characters shown as U+XXXX. */
    static String quote(CharSequence s) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (isForbidden(c) || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > MAX_QUOTED ? "...'" : "'").toString();
    }

    /**
     * {@code text} made fit for a message field: forbidden characters become spaces, runs of spaces one space, ends
     * trimmed; null when nothing is left.
     */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            boolean space = isForbidden(cp) || isSpace(cp);
            if (!space) {
                b.appendCodePoint(cp);
            } else if (!b.isEmpty() && b.charAt(b.length() - 1) != ' ') {
                b.append(' ');
            }
        }
        if (b.length() > GuestProtocol.MAX_DATAGRAM) {
            int cut = GuestProtocol.MAX_DATAGRAM;
            if (Character.isLowSurrogate(b.charAt(cut))) {
                cut--;
            }
            b.setLength(cut);
        }
        while (!b.isEmpty() && b.charAt(b.length() - 1) == ' ') {
            b.setLength(b.length() - 1);
        }
        return b.isEmpty() ? null : b.toString();
    }
}

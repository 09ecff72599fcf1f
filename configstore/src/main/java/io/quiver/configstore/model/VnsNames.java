package io.quiver.configstore.model;

/**
 * The rule for VNS names: 1 to {@value #MAX_LENGTH} of lower-case letters, digits, '.', '_', '-', starting with a
 * letter or digit. Shorter and narrower than a VNIC name because a VNIC stores its VNS's name in its encoded
 * parameters ({@link VnsNameType}: two words), which keeps the permission check's parse allocation-free.
 */
public final class VnsNames {
    public static final int MAX_LENGTH = 20;
    /** The VNS every VNIC belongs to unless it says otherwise; it always exists and cannot be deleted. */
    public static final String DEFAULT = "default";

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789._-";

    private VnsNames() {
    }

    public static boolean isValid(CharSequence name) {
        return name != null && isValid(name, 0, name.length());
    }

    static boolean isValid(CharSequence s, int from, int to) {
        if (to - from < 1 || to - from > MAX_LENGTH) {
            return false;
        }
        for (int i = from; i < to; i++) {
            int code = ALPHABET.indexOf(s.charAt(i));
            if (code < 0 || (i == from && code >= 36)) {
                return false;
            }
        }
        return true;
    }

    public static String validate(String name) {
        if (!isValid(name)) {
            throw new ConfigException("invalid VNS name " + (name == null ? "null" : "'" + name + "'")
                    + ": use 1 to " + MAX_LENGTH + " lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** 1-based code of a name character (0 pads the word); -1 for one outside the alphabet. */
    static int code(char c) {
        int i = ALPHABET.indexOf(c);
        return i < 0 ? -1 : i + 1;
    }

    static char character(int code) {
        return ALPHABET.charAt(code - 1);
    }
}

package io.quiver.configstore.model;


/** The rule for VNIC names: 1 to 32 of letters, digits, '.', '_', '-', starting with a letter or digit. */
public final class VnicNames {
    public static final int MAX_LENGTH = 32;

    private VnicNames() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    public static String validate(String name) {
        if (!isValid(name)) {
            throw new ConfigException("invalid VNIC name " + (name == null ? "null" : "'" + name + "'")
                    + ": use 1 to " + MAX_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }
}

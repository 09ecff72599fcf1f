package io.quiver.configstore.model;


/**
 * Who asks for a change. A guest is identified by the VNIC its request arrived on, never by anything inside the
 * request; an administrator by a name the control service vouches for (a CLI user, a REST client).
 */
public record Requester(Kind kind, String name) {
    public static final int MAX_ADMIN_NAME = 64;

    /** Who may ask; {@link #code} is part of the audit record format. */
    public enum Kind {
        ADMIN(1), GUEST(2);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Kind byCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new ConfigException("unknown requester kind code " + code);
        }
    }

    public Requester {
        if (kind == null) {
            throw new ConfigException("a requester needs a kind (admin or guest)");
        }
        if (kind == Kind.GUEST) {
            VnicNames.validate(name);
        } else if (name == null || name.isBlank() || name.length() > MAX_ADMIN_NAME
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new ConfigException("invalid administrator name " + (name == null ? "null" : "'" + name + "'")
                    + ": use 1 to " + MAX_ADMIN_NAME + " printable characters");
        }
    }

    /** The guest attached to {@code vnic}: the VNIC its request arrived on. */
    public static Requester guest(String vnic) {
        return new Requester(Kind.GUEST, vnic);
    }

    public static Requester admin(String who) {
        return new Requester(Kind.ADMIN, who);
    }

    public boolean isGuest() {
        return kind == Kind.GUEST;
    }

    public boolean isAdmin() {
        return kind == Kind.ADMIN;
    }

    @Override
    public String toString() {
        return (kind == Kind.GUEST ? "guest:" : "admin:") + name;
    }
}

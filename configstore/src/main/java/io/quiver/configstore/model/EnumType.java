package io.quiver.configstore.model;

import java.util.List;

/** One of a fixed set of lower-case names, encoded by its position in that set. */
final class EnumType implements ValueType {
    private final String what;
    private final List<String> names;

    EnumType(String what, List<String> names) {
        this.what = what;
        this.names = List.copyOf(names);
    }

    @Override
    public long parse(CharSequence s, int from, int to, StringBuilder why) {
        for (int i = 0; i < names.size(); i++) {
            if (Text.equalsIgnoreCase(s, from, to, names.get(i))) {
                return i;
            }
        }
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not ").append(describe());
        }
        return INVALID;
    }

    @Override
    public String format(long encoded) {
        return names.get((int) encoded);
    }

    @Override
    public String describe() {
        return what + ": one of " + String.join(", ", names);
    }
}

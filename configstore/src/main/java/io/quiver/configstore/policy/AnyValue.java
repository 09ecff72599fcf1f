package io.quiver.configstore.policy;

/** Every valid value is allowed. */
public record AnyValue() implements AllowedValues {
    public static final AnyValue INSTANCE = new AnyValue();

    @Override
    public boolean allows(long element) {
        return true;
    }

    @Override
    public String toText() {
        return "any";
    }
}

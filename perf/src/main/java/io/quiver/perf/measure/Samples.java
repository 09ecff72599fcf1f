package io.quiver.perf.measure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated measurements of one case: min, median and max (the figures every Quiver benchmark reports). */
public final class Samples {
    private final List<Double> values = new ArrayList<>();

    public void add(double v) {
        values.add(v);
    }

    public List<Double> values() {
        return Collections.unmodifiableList(values);
    }

    public double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    public double median() {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}

package io.quiver.perf.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplesTest {

    @Test
    void minMedianAndMaxOfAnEvenAndAnOddCount() {
        Samples s = new Samples();
        for (double v : new double[] {3.0, 1.0, 2.0, 10.0}) {
            s.add(v);
        }
        assertEquals(1.0, s.min());
        assertEquals(2.5, s.median(), "even count: the mean of the middle two");
        assertEquals(10.0, s.max());
        s.add(7.0);
        assertEquals(3.0, s.median(), "odd count: the middle one");
        assertEquals(5, s.values().size(), "the samples are kept in the order measured");
        assertEquals(3.0, s.values().get(0));
    }

    @Test
    void noSamplesIsNotANumberRatherThanAFigure() {
        Samples s = new Samples();
        assertTrue(Double.isNaN(s.min()) && Double.isNaN(s.median()) && Double.isNaN(s.max()));
    }
}

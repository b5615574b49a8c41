package dev.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncarnationsTest {

    private static final long DEC_2026_MS = 1_796_083_200_000L;

    @Test
    void aLaterStartGetsAGreaterPositiveIdThatCarriesItsStartTime() {
        Random random = new Random(1);
        long previous = 0;
        for (long ms = DEC_2026_MS; ms < DEC_2026_MS + 1000; ms += 7) {
            long id = Incarnations.next(ms, random);
            assertTrue(id > previous, "id=" + id + " after previous=" + previous);
            assertEquals(ms, Incarnations.startMillis(id));
            previous = id;
        }
        assertTrue(Incarnations.next(0, random) > 0, "even at time 0 the id is not 0");
        assertTrue(Incarnations.next(Incarnations.MAX_START_MILLIS, random) > 0, "the top bit stays 0");
    }

    @Test
    void startsInTheSameMillisecondGetDifferentIds() {
        Random random = new Random(2);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            ids.add(Incarnations.next(DEC_2026_MS, random));
        }
        assertEquals(100, ids.size());
    }

    @Test
    void anIdAfterAPreviousOneIsGreaterEvenIfTheClockDidNotAdvanceOrWentBack() {
        Random random = new Random(3);
        long previous = Incarnations.next(DEC_2026_MS, random);
        for (long ms : new long[] {DEC_2026_MS, DEC_2026_MS - 60_000, 0}) {
            long id = Incarnations.after(previous, ms, random);
            assertTrue(id > previous, "ms=" + ms + ": id=" + id + " previous=" + previous);
            assertEquals(Incarnations.startMillis(previous) + 1, Incarnations.startMillis(id));
            previous = id;
        }
        long later = Incarnations.after(previous, DEC_2026_MS + 5000, random);
        assertEquals(DEC_2026_MS + 5000, Incarnations.startMillis(later), "a clock that went on is taken as it is");
        assertNotEquals(0, Incarnations.after(0, 0, random));
    }

    @Test
    void startTimesOutOfRangeAreRefused() {
        Random random = new Random(4);
        assertThrows(IllegalArgumentException.class, () -> Incarnations.next(-1, random));
        assertThrows(IllegalArgumentException.class,
                () -> Incarnations.next(Incarnations.MAX_START_MILLIS + 1, random));
        long last = Incarnations.next(Incarnations.MAX_START_MILLIS, random);
        assertThrows(IllegalArgumentException.class, () -> Incarnations.after(last, 0, random));
        assertThrows(IllegalArgumentException.class, () -> Incarnations.after(-3, 0, random));
    }
}

package dev.parley.model.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.History.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each property of the history checker holds on a good history and fires on a hand-made bad one. */
class HistoryCheckerTest {

    static final long SLACK = 100;

    /** A good history: w writes x1 and x2, both read in order; a timed write ends NOT_DONE in time. */
    static History good() {
        History h = new History(SLACK);
        History.Op w1 = h.begin("w", "c", Kind.WRITE, "x1", History.NO_DEADLINE, 0);
        History.Op r1 = h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 0);
        h.end(r1, Ending.DONE, "x1", 10);
        h.end(w1, Ending.DONE, null, 11);
        History.Op w2 = h.begin("w", "c", Kind.WRITE, "x2", History.NO_DEADLINE, 20);
        History.Op r2 = h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 20);
        h.end(r2, Ending.DONE, "x2", 30);
        h.end(w2, Ending.DONE, null, 31);
        History.Op timed = h.begin("w", "c", Kind.WRITE, "x3", 50, 40);
        h.end(timed, Ending.NOT_DONE, null, 50 + SLACK);
        return h;
    }

    private static List<String> properties(History h) {
        return HistoryChecker.check(h).stream().map(HistoryChecker.Violation::property).toList();
    }

    @Test
    void aGoodHistoryHasNoViolation() {
        assertEquals(List.of(), HistoryChecker.check(good()));
    }

    @Test
    void aDoneWriteThatNobodyReadIsCaught() {
        History h = good();
        h.end(h.begin("w", "c", Kind.WRITE, "x4", History.NO_DEADLINE, 60), Ending.DONE, null, 70);
        assertEquals(List.of("done-write-read"), properties(h));
    }

    @Test
    void aDoneWriteDiscardedByACrashIsNotCountedAsLost() {
        History h = good();
        h.end(h.begin("w", "c", Kind.WRITE, "x4", History.NO_DEADLINE, 60), Ending.DONE, null, 70);
        h.discarded("c", "x4", 80, "buffered at a home that crashed", false);
        assertEquals(List.of(), properties(h));
    }

    @Test
    void aWriteAheadIsADoneWriteThatMustBeReadExactlyOnceInItsWritersOrder() {
        History h = good();
        h.writtenAhead("w", "c", "a1", 60);
        h.writtenAhead("w", "c", "a2", 61);
        History.Op r1 = h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 62);
        h.end(r1, Ending.DONE, "a1", 70);
        History.Op r2 = h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 71);
        h.end(r2, Ending.DONE, "a2", 80);
        assertEquals(List.of(), properties(h));
        assertTrue(h.ops().get(h.ops().size() - 4).ahead(), "marked as written ahead");

        History unread = good();
        unread.writtenAhead("w", "c", "a1", 60);
        assertEquals(List.of("done-write-read"), properties(unread), "DONE at once, so it must be read");

        History twice = good();
        twice.writtenAhead("w", "c", "a1", 60);
        twice.end(twice.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 62), Ending.DONE, "a1", 70);
        twice.end(twice.begin("r2", "c", Kind.READ, null, History.NO_DEADLINE, 62), Ending.DONE, "a1", 71);
        assertEquals(List.of("read-at-most-once"), properties(twice));

        History disorder = good();
        disorder.writtenAhead("w", "c", "a1", 60);
        disorder.writtenAhead("w", "c", "a2", 61);
        disorder.end(disorder.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 62), Ending.DONE, "a2", 70);
        disorder.end(disorder.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 71), Ending.DONE, "a1", 80);
        assertEquals(List.of("per-writer-order"), properties(disorder).stream().distinct().toList());
    }

    @Test
    void aLossInTransitExcusesAnUnreadWriteAheadOnly() {
        History h = good();
        h.writtenAhead("w", "c", "a1", 60);
        h.lostInTransit("c", "a1", 65, "its writer's node crashed before the home stored it");
        assertEquals(List.of(), properties(h), "a write ahead may be lost with its writer's node or its home");

        History plain = good();
        plain.end(plain.begin("w", "c", Kind.WRITE, "p1", History.NO_DEADLINE, 60), Ending.DONE, null, 62);
        plain.lostInTransit("c", "p1", 65, "its home crashed before storing it");
        assertEquals(List.of("done-write-read"), properties(plain),
                "a plain write is DONE only once its home has the value: a loss in transit does not excuse it");

        History early = good();
        early.lostInTransit("c", "a1", 55, "its home crashed before storing it");
        early.writtenAhead("w", "c", "a1", 60);
        assertEquals(List.of("done-write-read"), properties(early), "a loss recorded before the write excuses nothing");

        History other = good();
        other.writtenAhead("w", "c", "a1", 60);
        other.lostInTransit("d", "a1", 65, "its home crashed before storing it");
        assertEquals(List.of("done-write-read"), properties(other), "a loss on another channel excuses nothing");
    }

    @Test
    void aValueReadTwiceIsCaught() {
        History h = good();
        h.end(h.begin("r2", "c", Kind.READ, null, History.NO_DEADLINE, 60), Ending.DONE, "x2", 70);
        assertEquals(List.of("read-at-most-once"), properties(h));
    }

    @Test
    void anUnknownWriteReadTwiceIsCaught() {
        History h = good();
        h.end(h.begin("w", "c", Kind.WRITE, "u", History.NO_DEADLINE, 60), Ending.UNKNOWN, null, 70);
        h.end(h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 60), Ending.DONE, "u", 65);
        assertEquals(List.of(), properties(h), "an unknown write read once is allowed");
        h.end(h.begin("r2", "c", Kind.READ, null, History.NO_DEADLINE, 60), Ending.DONE, "u", 66);
        assertEquals(List.of("read-at-most-once"), properties(h));
    }

    @Test
    void aValueThatWasNeverWrittenIsCaught() {
        History h = good();
        h.end(h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 60), Ending.DONE, "ghost", 70);
        assertEquals(List.of("read-was-written"), properties(h));
    }

    @Test
    void aValueReadOnAnotherChannelThanItsWriteIsCaught() {
        History h = good();
        h.end(h.begin("w", "d", Kind.WRITE, "y", History.NO_DEADLINE, 60), Ending.DONE, null, 70);
        h.end(h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 60), Ending.DONE, "y", 70);
        assertTrue(properties(h).containsAll(List.of("read-was-written", "done-write-read")), () -> "" + properties(h));
    }

    @Test
    void aNotDoneWriteThatWasReadIsCaught() {
        for (Ending nothing : List.of(Ending.NOT_DONE, Ending.UNREACHABLE, Ending.POISONED, Ending.RETIRED)) {
            History h = good();
            h.end(h.begin("w", "c", Kind.WRITE, "n", History.NO_DEADLINE, 60), nothing, null, 70);
            h.end(h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 60), Ending.DONE, "n", 65);
            assertEquals(List.of("not-done-delivered-nothing"), properties(h), nothing.name());
        }
    }

    @Test
    void aReadThatIsNotDoneButCarriesAValueIsCaught() {
        History h = good();
        History.Op r = h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 60);
        h.end(r, Ending.NOT_DONE, "x1", 70);
        assertTrue(properties(h).contains("not-done-delivered-nothing"), () -> "" + properties(h));
    }

    @Test
    void aDoneReadWithoutAValueIsCaught() {
        History h = good();
        h.end(h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 60), Ending.DONE, null, 70);
        assertEquals(List.of("not-done-delivered-nothing"), properties(h));
    }

    @Test
    void aWritersValuesReadOutOfOrderAreCaught() {
        History h = new History(SLACK);
        History.Op w1 = h.begin("w", "c", Kind.WRITE, "x1", History.NO_DEADLINE, 0);
        h.end(w1, Ending.DONE, null, 5);
        History.Op w2 = h.begin("w", "c", Kind.WRITE, "x2", History.NO_DEADLINE, 6);
        h.end(w2, Ending.DONE, null, 8);
        h.end(h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 0), Ending.DONE, "x2", 9);
        h.end(h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 0), Ending.DONE, "x1", 10);
        assertEquals(List.of("per-writer-order"), properties(h));
    }

    @Test
    void twoReadersMayRecordTheirEndsOutOfOrderButNotReadALaterValueBeforeAnEarlierOneWasAskedFor() {
        History h = new History(SLACK);
        History.Op w1 = h.begin("w", "c", Kind.WRITE, "x1", History.NO_DEADLINE, 0);
        h.end(w1, Ending.DONE, null, 5);
        History.Op w2 = h.begin("w", "c", Kind.WRITE, "x2", History.NO_DEADLINE, 6);
        h.end(w2, Ending.DONE, null, 8);
        History.Op slow = h.begin("far", "c", Kind.READ, null, History.NO_DEADLINE, 0);
        h.end(h.begin("near", "c", Kind.READ, null, History.NO_DEADLINE, 6), Ending.DONE, "x2", 9);
        h.end(slow, Ending.DONE, "x1", 12); // took x1 first, recorded its end later
        assertEquals(List.of(), properties(h), "the far reader's late record proves no disorder");

        History bad = new History(SLACK);
        History.Op b1 = bad.begin("w", "c", Kind.WRITE, "x1", History.NO_DEADLINE, 0);
        bad.end(b1, Ending.DONE, null, 5);
        History.Op b2 = bad.begin("w", "c", Kind.WRITE, "x2", History.NO_DEADLINE, 6);
        bad.end(b2, Ending.DONE, null, 8);
        bad.end(bad.begin("near", "c", Kind.READ, null, History.NO_DEADLINE, 6), Ending.DONE, "x2", 9);
        bad.end(bad.begin("late", "c", Kind.READ, null, History.NO_DEADLINE, 10), Ending.DONE, "x1", 12);
        assertEquals(List.of("per-writer-order"), properties(bad), "x2 was read before x1 was even asked for");
    }

    @Test
    void anOperationThatOutlivedItsDeadlinePlusTheSlackIsCaught() {
        History h = good();
        h.end(h.begin("w", "c", Kind.WRITE, "late", 100, 60), Ending.NOT_DONE, null, 100 + SLACK + 1);
        assertEquals(List.of("bounded-by-timeout"), properties(h));
        History never = good();
        never.begin("w", "c", Kind.WRITE, "never", 100, 60);
        assertEquals(List.of("bounded-by-timeout"), properties(never), "a timed operation that never ended");
    }

    @Test
    void anOperationStartedAfterTheHealThatFailsIsCaught() {
        History h = good();
        h.resumeFrom(1000);
        h.end(h.begin("w", "c", Kind.WRITE, "before", History.NO_DEADLINE, 900), Ending.UNKNOWN, null, 1100);
        assertEquals(List.of(), properties(h), "an operation started before the heal may fail");
        h.end(h.begin("w", "c", Kind.WRITE, "after", History.NO_DEADLINE, 1000), Ending.UNREACHABLE, null, 1200);
        assertEquals(List.of("resumes-after-heal"), properties(h));
    }

    @Test
    void anUntimedOperationStartedAfterTheHealThatNeverEndsIsCaught() {
        History h = good();
        h.resumeFrom(1000);
        h.begin("r", "c", Kind.READ, null, History.NO_DEADLINE, 1000);
        assertEquals(List.of("resumes-after-heal"), properties(h));
    }

    @Test
    void theSameValueWrittenTwiceOnAChannelIsRejectedAsBadInput() {
        History h = good();
        h.begin("w", "c", Kind.WRITE, "x1", History.NO_DEADLINE, 60);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistoryChecker.check(h));
        assertTrue(e.getMessage().contains("value=x1"), e.getMessage());
    }

    @Test
    void endingAnOperationTwiceIsRefused() {
        History h = new History(SLACK);
        History.Op op = h.begin("w", "c", Kind.WRITE, "x", History.NO_DEADLINE, 0);
        h.end(op, Ending.DONE, null, 1);
        assertThrows(IllegalStateException.class, () -> h.end(op, Ending.NOT_DONE, null, 2));
    }
}

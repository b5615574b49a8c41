package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.PoisonException;
import dev.parley.protocol.binding.OutcomeUnknownException;
import dev.parley.protocol.binding.PeerUnreachableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Histories recorded as the scenarios record them, judged by the simulator's checker. */
class ChannelHistoryTest {
    private static final long SLACK_NS = 1_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    private final AtomicLong clock = new AtomicLong();
    private final Recorder recorder = new Recorder(() -> clock.addAndGet(1_000_000));

    private void write(String writer, int seq, Outcome outcome) {
        Recorder.Pending p = recorder.begin(writer, "c", "write", writer + ":" + seq, TIMEOUT);
        switch (outcome) {
            case DONE -> p.done();
            case NOT_DONE -> p.notDone();
            case UNKNOWN -> p.threw(new OutcomeUnknownException("home restarted"));
            case UNREACHABLE -> p.threw(new PeerUnreachableException("silent"));
            case FAILED -> p.threw(new IllegalStateException("boom"));
            default -> throw new IllegalArgumentException("outcome=" + outcome);
        }
    }

    private void read(String reader, String value) {
        recorder.begin(reader, "c", "read", null, null).done(value);
    }

    private List<String> anomalies(List<FaultWindow> faults) {
        return ChannelHistory.check(recorder.operations(), recorder.running(), faults, SLACK_NS, 0);
    }

    private List<String> anomalies() {
        return anomalies(List.of());
    }

    private static void assertFlags(String property, List<String> found) {
        assertTrue(found.stream().anyMatch(a -> a.startsWith(property + ": ")), property + " in " + found);
    }

    @Test
    void aCleanHistoryWithEveryAllowedOutcomeHasNoAnomalies() {
        write("w", 0, Outcome.DONE);
        read("r", "w:0");
        write("w", 1, Outcome.NOT_DONE);
        write("w", 2, Outcome.UNKNOWN);      // may have been delivered, at most once, at any time
        write("w", 3, Outcome.UNREACHABLE);
        write("w", 4, Outcome.DONE);
        read("r", "w:4");
        read("r", "w:2");
        recorder.begin("r", "c", "read", null, null).threw(new PoisonException("c"));
        recorder.begin("x", "", "echo", "1", null).done();   // not a channel operation: left out
        assertEquals(List.of(), anomalies());
    }

    @Test
    void anAcknowledgedWriteNeverReadIsLost() {
        write("w", 0, Outcome.DONE);
        assertFlags("done-write-read", anomalies());
    }

    @Test
    void aReadEndingUnknownExcusesOneUnreadDoneWriteAndNoMore() {
        write("w", 0, Outcome.DONE);
        write("w", 1, Outcome.DONE);
        recorder.begin("r", "c", "read", null, TIMEOUT).threw(new OutcomeUnknownException("home fell silent"));
        List<String> found = anomalies();
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("done-write-read: ") && found.get(0).contains("'w:1'"), found.toString());
    }

    @Test
    void aValueReadTwiceIsReadMoreThanOnce() {
        write("w", 0, Outcome.UNKNOWN);
        read("r", "w:0");
        read("q", "w:0");
        assertFlags("read-at-most-once", anomalies());
    }

    @Test
    void aWithdrawnWriteThatWasReadAndAnInventedValueAreFlagged() {
        write("w", 0, Outcome.NOT_DONE);
        read("r", "w:0");
        read("r", "w:9");
        List<String> found = anomalies();
        assertFlags("not-done-delivered-nothing", found);
        assertFlags("read-was-written", found);
    }

    @Test
    void valuesOfOneWriterReadOutOfOrderBreakPerWriterOrder() {
        write("w", 0, Outcome.DONE);
        write("w", 1, Outcome.DONE);
        read("r", "w:1");
        read("r", "w:0");
        assertFlags("per-writer-order", anomalies());
    }

    @Test
    void aTimedOperationStillRunningOrEndingLateOutlivesItsTimeout() {
        recorder.begin("w", "c", "write", "w:0", TIMEOUT);          // never finished: it hangs
        assertFlags("bounded-by-timeout", anomalies());
        Recorder late = new Recorder(() -> clock.addAndGet(2_000_000_000L));
        late.begin("w", "c", "write", "w:1", TIMEOUT).notDone();
        assertFlags("bounded-by-timeout", ChannelHistory.check(late.operations(), List.of(), List.of(), SLACK_NS, 0));
    }

    @Test
    void anExceptionOutsideTheContractIsFlagged() {
        write("w", 0, Outcome.FAILED);
        assertFlags("no-unexpected-exception", anomalies());
    }

    @Test
    void afterTheLastFaultOperationsMustSucceedAndTrafficMustResume() {
        write("w", 0, Outcome.DONE);
        read("r", "w:0");
        List<FaultWindow> healed = List.of(new FaultWindow("cut", 0, recorder.nowNs()));
        write("w", 1, Outcome.UNREACHABLE);
        List<String> found = anomalies(healed);
        assertFlags("resumes-after-heal", found);
        assertFlags("traffic-resumes", found);
        write("w", 2, Outcome.DONE);
        read("r", "w:2");
        assertEquals(1, anomalies(healed).size(), anomalies(healed).toString());
    }
}

package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A buffered home killed with a local reader: the unread DONE writes that ended before the
 * kill are excused up to the capacity plus one per read cut short, and no further.
 */
class BufferLossTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final int CAPACITY = 2;

    private final AtomicLong clock = new AtomicLong();
    private final Recorder recorder = new Recorder(() -> clock.addAndGet(1_000_000));

    private void writeDone(int seq) {
        recorder.begin("w", "c", "write", "w:" + seq, TIMEOUT).done();
    }

    private void read(int seq) {
        recorder.begin("r", "c", "read", null, null).done("w:" + seq);
    }

    /** w:0 read; w:1 .. w:n written and never read; then the kill, and the read it cut short. */
    private long historyWithUnreadBeforeTheKill(int n) {
        writeDone(0);
        read(0);
        for (int i = 1; i <= n; i++) {
            writeDone(i);
        }
        Recorder.Pending cut = recorder.begin("r", "c", "read", null, null);
        long killNs = recorder.nowNs();
        cut.unknown(new IllegalStateException("cut short by the kill"));
        return killNs;
    }

    private List<String> judge(long killNs, List<String> notes) {
        List<FaultWindow> faults = List.of(new FaultWindow("kill", killNs - 1, killNs + 1),
                new FaultWindow("stop", killNs + 2, killNs + 3));
        return HomeReaderFaultScenario.judgeBuffered(recorder.operations(), List.of(), faults, 0, CAPACITY, killNs,
                notes);
    }

    /** What the judge says, without the resumes-after-restart and traffic-resumes this short history cannot show. */
    private static List<String> lossAnomalies(List<String> found) {
        return found.stream().filter(a -> !a.startsWith("resumes-after-restart: ")
                && !a.startsWith("traffic-resumes: ")).toList();
    }

    @Test
    void theCapacityAndTheCutReadAreExcusedAsLostWithTheHome() {
        long killNs = historyWithUnreadBeforeTheKill(CAPACITY + 1);
        List<String> notes = new ArrayList<>();
        assertEquals(List.of(), lossAnomalies(judge(killNs, notes)));
        assertTrue(notes.get(0).startsWith("3 DONE writes were unread"), notes.toString());
    }

    @Test
    void oneMoreUnreadWriteThanTheBufferAndTheCutReadCanHoldIsFlagged() {
        long killNs = historyWithUnreadBeforeTheKill(CAPACITY + 2);
        List<String> found = lossAnomalies(judge(killNs, new ArrayList<>()));
        assertTrue(found.stream().anyMatch(a -> a.startsWith("buffer-loss-bounded: 4 DONE writes")), found.toString());
        assertTrue(found.stream().anyMatch(a -> a.startsWith("done-write-read: ")), found.toString());
    }

    @Test
    void anUnreadWriteThatEndedAfterTheKillIsNotExcused() {
        long killNs = historyWithUnreadBeforeTheKill(1);
        writeDone(9);
        List<String> found = lossAnomalies(judge(killNs, new ArrayList<>()));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("done-write-read: ") && found.get(0).contains("'w:9'"), found.toString());
    }
}

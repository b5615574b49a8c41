package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {
    private static final long LONG_NS = 60_000_000_000L;

    private final AtomicLong clock = new AtomicLong();
    private final Recorder recorder = new Recorder(() -> clock.addAndGet(1_000_000));

    private void write(String writer, long seq, Outcome outcome) {
        Recorder.Pending p = recorder.begin(writer, "write", Long.toString(seq));
        switch (outcome) {
            case DONE -> p.done();
            case NOT_DONE -> p.notDone();
            case UNKNOWN -> p.unknown(new IllegalStateException("peer unreachable"));
            case FAILED -> p.failed(new RuntimeException("boom"));
        }
    }

    private void read(String reader, String value) {
        recorder.begin(reader, "read", null).done(value);
    }

    private List<String> anomalies() {
        return DeliveryCheck.check(recorder.operations(), LONG_NS);
    }

    @Test
    void aCleanHistoryHasNoAnomalies() {
        write("w", 0, Outcome.DONE);
        read("r", "w:0");
        write("w", 1, Outcome.NOT_DONE);
        write("w", 2, Outcome.UNKNOWN);
        write("w", 3, Outcome.DONE);
        read("r", "w:3");
        assertEquals(List.of(), anomalies());
    }

    @Test
    void anAcknowledgedWriteNeverReadIsLost() {
        write("w", 0, Outcome.DONE);
        assertEquals(1, anomalies().size());
        assertTrue(anomalies().get(0).startsWith("ACKED_DELIVERED_ONCE"), anomalies().toString());
    }

    @Test
    void aValueReadTwiceIsADuplicate() {
        write("w", 0, Outcome.DONE);
        read("r", "w:0");
        read("r", "w:0");
        assertTrue(anomalies().stream().anyMatch(a -> a.startsWith("NO_DUPLICATE")), anomalies().toString());
    }

    @Test
    void aNotDoneWriteThatWasReadIsAnAnomalyAndSoIsAnInventedValue() {
        write("w", 0, Outcome.NOT_DONE);
        read("r", "w:0");
        read("r", "w:9");
        List<String> found = anomalies();
        assertTrue(found.stream().anyMatch(a -> a.startsWith("NOT_DONE_NOT_DELIVERED")), found.toString());
        assertTrue(found.stream().anyMatch(a -> a.startsWith("NO_INVENTION")), found.toString());
    }

    @Test
    void valuesOfOneWriterReadOutOfOrderBreakWriterOrder() {
        write("w", 0, Outcome.DONE);
        write("w", 1, Outcome.DONE);
        read("r", "w:1");
        read("r", "w:0");
        assertTrue(anomalies().stream().anyMatch(a -> a.startsWith("WRITER_ORDER")), anomalies().toString());
    }

    @Test
    void anOperationLongerThanItsBoundIsAHang() {
        write("w", 0, Outcome.NOT_DONE);
        List<String> found = DeliveryCheck.check(recorder.operations(), 500_000);
        assertTrue(found.stream().anyMatch(a -> a.startsWith("NO_HANG")), found.toString());
    }
}

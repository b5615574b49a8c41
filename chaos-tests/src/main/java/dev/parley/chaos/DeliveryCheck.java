package dev.parley.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small local history check for write/read workloads, until the simulator's history checker
 * is shared: writes are recorded with kind {@code write}, process = writer and value = its
 * sequence number; reads with kind {@code read} and, when done, value {@code writer:seq}.
 * Stateless; any thread may call it.
 *
 * <p>It checks, by these names: ACKED_DELIVERED_ONCE (a DONE write is read exactly once),
 * NO_DUPLICATE (no value is read twice), NOT_DONE_NOT_DELIVERED (a NOT_DONE write is never
 * read), NO_INVENTION (every value read was written), WRITER_ORDER (each reader gets each
 * writer's values in increasing sequence) and NO_HANG (no operation lasted longer than
 * {@code maxOperationNs}).
 */
public final class DeliveryCheck {
    private DeliveryCheck() {
    }

    public static List<String> check(List<Operation> history, long maxOperationNs) {
        List<String> anomalies = new ArrayList<>();
        Map<String, Operation> writes = new HashMap<>();
        Map<String, Integer> reads = new HashMap<>();
        Map<String, Long> lastSeqByReaderAndWriter = new HashMap<>();
        List<Operation> doneReads = new ArrayList<>();
        for (Operation op : history) {
            if (op.latencyNs() > maxOperationNs) {
                anomalies.add("NO_HANG: " + op + " lasted " + op.latencyNs() / 1_000_000 + " ms > "
                        + maxOperationNs / 1_000_000 + " ms");
            }
            if (op.kind().equals("write")) {
                writes.put(op.process() + ":" + op.value(), op);
            } else if (op.kind().equals("read") && op.outcome() == Outcome.DONE) {
                doneReads.add(op);
            }
        }
        doneReads.sort(java.util.Comparator.comparingLong(Operation::endNs));
        for (Operation read : doneReads) {
            String v = read.value();
            int count = reads.merge(v, 1, Integer::sum);
            if (count == 2) {
                anomalies.add("NO_DUPLICATE: " + v + " read more than once (again by " + read.process() + ")");
            }
            Operation write = writes.get(v);
            if (write == null) {
                anomalies.add("NO_INVENTION: " + v + " read by " + read.process() + " was never written");
                continue;
            }
            if (write.outcome() == Outcome.NOT_DONE) {
                anomalies.add("NOT_DONE_NOT_DELIVERED: " + v + " was read although its write ended NOT_DONE");
            }
            String key = read.process() + "<-" + write.process();
            long seq = Long.parseLong(write.value());
            Long last = lastSeqByReaderAndWriter.put(key, seq);
            if (last != null && last >= seq) {
                anomalies.add("WRITER_ORDER: " + read.process() + " got " + v + " after " + write.process() + ":"
                        + last);
            }
        }
        for (Map.Entry<String, Operation> w : writes.entrySet()) {
            if (w.getValue().outcome() == Outcome.DONE && !reads.containsKey(w.getKey())) {
                anomalies.add("ACKED_DELIVERED_ONCE: " + w.getKey() + " was acknowledged (DONE) and never read");
            }
        }
        return anomalies;
    }
}

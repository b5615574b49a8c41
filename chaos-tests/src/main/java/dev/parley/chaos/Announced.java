package dev.parley.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operations that a child JVM announces on its standard output, so that the parent can
 * record them although the child may be killed at any moment: one line as an operation
 * begins, one as it ends, each printed whole and flushed before the child goes on.
 * <pre>
 * begin &lt;process&gt; &lt;id&gt; &lt;startEpochNs&gt; &lt;deadlineEpochNs, -1 for none&gt;
 * end &lt;process&gt; &lt;id&gt; &lt;OUTCOME&gt; &lt;endEpochNs&gt; [&lt;value got&gt;]
 * </pre>
 * For a write the id is the value written; for a read it names the read, and a DONE read's
 * end line carries the value it got. A line the child has printed is in the pipe to the
 * parent before its next operation begins, so it survives a SIGKILL; {@link NodeProcess}
 * copies the pipe to the child's log, which {@link #importFrom} reads. Stateless; the child's
 * main thread prints, the scenario's thread imports.
 */
final class Announced {
    private Announced() {
    }

    /** Prints the line announcing that an operation begins; {@code deadlineEpochNs} is -1 for an untimed one. */
    static void begin(String process, String id, long startEpochNs, long deadlineEpochNs) {
        print("begin " + process + " " + id + " " + startEpochNs + " " + deadlineEpochNs);
    }

    /** Prints the line announcing how an operation ended; {@code got} is a read's value, or null. */
    static void end(String process, String id, Outcome outcome, long endEpochNs, String got) {
        print("end " + process + " " + id + " " + outcome + " " + endEpochNs + (got == null ? "" : " " + got));
    }

    /** Prints a line in one piece (one write to the pipe) and flushes it. */
    static void print(String line) {
        System.out.print(line + "\n");
        System.out.flush();
    }

    /**
     * Imports the operations of kind {@code kind} ({@code write} or {@code read}) announced
     * in a child's log, as {@link NodeProcess} wrote it (a {@code ---- start} line before
     * each start's output). An operation begun and not ended in a start that was killed ended
     * UNKNOWN at the kill ({@code killEpochNs}, one per start killed, in order): it died
     * mid-operation, which allows delivery at most once, as the simulator records a crashed
     * process. One not ended in the last start is a hang, the anomaly
     * {@code writer-stopped} or {@code reader-stopped}. An operation under way while the
     * child was stopped ({@code pausedEpochNs}, from and to) gets its deadline moved by the
     * time it was stopped: no clock of its process ran meanwhile.
     */
    static void importFrom(Recorder recorder, Path log, String channel, String kind, List<Long> killEpochNs,
                           long[] pausedEpochNs, List<String> anomalies) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the child's log " + log, e);
        }
        Cut cut = new Cut(recorder, channel, kind, killEpochNs, anomalies);
        Map<String, String[]> begun = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (line.startsWith("---- start ")) {
                cut.endCutShort(begun);
            } else if (f[0].equals("begin") && f.length == 5) {
                begun.put(f[2], f);
            } else if (f[0].equals("end") && (f.length == 5 || f.length == 6) && begun.containsKey(f[2])) {
                String[] b = begun.remove(f[2]);
                long startNs = Long.parseLong(b[3]);
                long endNs = Long.parseLong(f[4]);
                long deadlineNs = Long.parseLong(b[4]);
                if (deadlineNs >= 0 && startNs < pausedEpochNs[1] && endNs > pausedEpochNs[0]) {
                    deadlineNs += pausedEpochNs[1] - pausedEpochNs[0];
                }
                String value = kind.equals("write") ? b[2] : f.length == 6 ? f[5] : null;
                recorder.importOperation(b[1], channel, kind, value, startNs, endNs, deadlineNs,
                        Outcome.valueOf(f[3]));
            }
        }
        cut.endCutShort(begun);
    }

    /** What the import knows of the starts: how many have begun, and what to do with cut operations. */
    private static final class Cut {
        private final Recorder recorder;
        private final String channel;
        private final String kind;
        private final List<Long> killEpochNs;
        private final List<String> anomalies;
        private int start;

        Cut(Recorder recorder, String channel, String kind, List<Long> killEpochNs, List<String> anomalies) {
            this.recorder = recorder;
            this.channel = channel;
            this.kind = kind;
            this.killEpochNs = killEpochNs;
            this.anomalies = anomalies;
        }

        /** Ends the operations the start now over left open, and counts the next start. */
        void endCutShort(Map<String, String[]> begun) {
            for (String[] b : begun.values()) {
                if (start >= 1 && start <= killEpochNs.size()) {
                    recorder.importOperation(b[1], channel, kind, kind.equals("write") ? b[2] : null,
                            Long.parseLong(b[3]), killEpochNs.get(start - 1), Long.parseLong(b[4]), Outcome.UNKNOWN);
                } else {
                    anomalies.add((kind.equals("write") ? "writer" : "reader") + "-stopped: the " + kind + " " + b[2]
                            + " of " + b[1] + ", in the child's last start, never ended");
                }
            }
            begun.clear();
            start++;
        }
    }
}

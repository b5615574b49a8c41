package dev.parley.chaos;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Selected;
import dev.parley.TimeoutGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The relay workload: a rendezvous channel {@value #CHANNEL} whose home holds no end of it,
 * with every writer on one node and every reader on another, so that each value crosses the
 * home's relay (docs/PROTOCOL.md, "Both ends remote"). Three writers on the writing node:
 * {@code relay-w} (plain, untimed), {@code relay-tw} (timed) and {@code relay-aw} (an
 * alternation over an output guard and a timeout guard); three readers on the reading node:
 * {@code relay-r} (untimed), {@code relay-tr} (timed) and {@code relay-ar} (an alternation over
 * an input guard and a timeout guard). Each selection is recorded as one operation on the
 * channel, DONE if the channel's guard was chosen, NOT_DONE if the timeout was.
 *
 * <p>The plain and timed workers keep their ends for the whole run, through every UNKNOWN
 * or UNREACHABLE outcome and a restart of the home (the binding re-opens an end lost to a
 * restart at its next read or write). The alternations, with {@code freshGuardEnds}, take a
 * fresh end of the same connected channel after UNKNOWN or UNREACHABLE, since the binding
 * does not re-open a guard's end. Writers stop when the workers stop; the timed reader and
 * the alternation reader stop at their first empty read after that (the writers are gone),
 * the untimed reader when the channel is poisoned. Started by a scenario's thread; each
 * worker runs on its own thread.
 */
final class RelayWorkload {
    static final String CHANNEL = "relay";
    static final long TIMEOUT_MS = 500;
    static final long ALT_TIMEOUT_MS = 200;
    static final long GAP_MS = 3;
    /** The workers that keep one end for the whole run, by side. */
    static final Set<String> SAME_END_WRITERS = Set.of("relay-w", "relay-tw");
    static final Set<String> SAME_END_READERS = Set.of("relay-r", "relay-tr");

    private RelayWorkload() {
    }

    /** Starts the six workers on ends of {@code writing} (the writers' node) and {@code reading} (the readers'). */
    static void start(Workers workers, Recorder recorder, Channel<String> writing, Channel<String> reading,
                      boolean freshGuardEnds) {
        ChannelOutput<String> w = writing.writer();
        ChannelOutput<String> tw = writing.writer();
        ChannelInput<String> r = reading.reader();
        ChannelInput<String> tr = reading.reader();
        ChannelOutput<String> aw = freshGuardEnds ? null : writing.writer();
        ChannelInput<String> ar = freshGuardEnds ? null : reading.reader();
        Supplier<ChannelOutput<String>> awEnds = freshGuardEnds ? writing::writer : () -> aw;
        Supplier<ChannelInput<String>> arEnds = freshGuardEnds ? reading::reader : () -> ar;
        workers.startWriter("relay-w", () -> Workers.writeUntimedUntilStopped(recorder, "relay-w", CHANNEL,
                "relay-w", w, GAP_MS, workers));
        workers.startWriter("relay-tw", () -> Workers.writeUntilStopped(recorder, "relay-tw", CHANNEL, tw, null,
                TIMEOUT_MS, GAP_MS, workers));
        workers.startWriter("relay-aw", () -> alternateWrites(recorder, awEnds, workers));
        workers.start("chaos-relay-r", () -> readUntimed(recorder, r));
        workers.start("chaos-relay-tr", () -> Workers.readTimedUntilDrained(recorder, "relay-tr", CHANNEL, () -> tr,
                TIMEOUT_MS, workers));
        workers.start("chaos-relay-ar", () -> Workers.readTimedUntilDrained(recorder, "relay-ar", CHANNEL, arEnds,
                RelayWorkload::selectRead, ALT_TIMEOUT_MS, workers));
    }

    /** In words, for a report's parameters. */
    static String describe(String home, String writers, String readers) {
        return "rendezvous on " + home + " with no end there, relayed: writers on " + writers + " relay-w (untimed),"
                + " relay-tw (timed " + TIMEOUT_MS + " ms), relay-aw (alternation: output guard, timeout "
                + ALT_TIMEOUT_MS + " ms); readers on " + readers + " relay-r (untimed), relay-tr (timed), relay-ar"
                + " (alternation: input guard, timeout); " + GAP_MS + " ms between writes";
    }

    /** Reads untimed through one end until the channel ends; after UNKNOWN or UNREACHABLE it goes on. */
    private static void readUntimed(Recorder recorder, ChannelInput<String> in) {
        while (true) {
            Recorder.Pending op = recorder.begin("relay-r", CHANNEL, "read", null, null);
            try {
                op.done(in.read());
            } catch (RuntimeException e) {
                op.threw(e);                       // POISONED at the end
                if (!Workers.survivable(e) || !Workers.pause(Workers.BACKOFF_MS)) {
                    return;
                }
            }
        }
    }

    /**
     * Selects over an output guard writing {@code relay-aw:<i>} and a timeout guard until the
     * workers stop, through an end from {@code ends}; after UNKNOWN or UNREACHABLE it backs off
     * and takes the next end from {@code ends}.
     */
    private static void alternateWrites(Recorder recorder, Supplier<ChannelOutput<String>> ends, Workers workers) {
        Duration timeout = Duration.ofMillis(ALT_TIMEOUT_MS);
        ChannelOutput<String> out = ends.get();
        for (int i = 0; !workers.stopping(); i++) {
            String value = "relay-aw:" + i;
            Recorder.Pending op = recorder.begin("relay-aw", CHANNEL, "write", value, timeout);
            try {
                Selected s = new Alternation(new OutputGuard<>(out, value), new TimeoutGuard(timeout)).select();
                if (s.index() == 0) {
                    op.done();
                } else {
                    op.notDone();
                }
            } catch (RuntimeException e) {
                op.threw(e);
                if (!Workers.survivable(e) || !Workers.pause(Workers.BACKOFF_MS)) {
                    return;
                }
                out = ends.get();
            }
            if (!Workers.pause(GAP_MS)) {
                return;
            }
        }
    }

    /** One read by an alternation over an input guard and a timeout guard: empty if the timeout was chosen. */
    private static Optional<String> selectRead(ChannelInput<String> in, Duration timeout) {
        Selected s = new Alternation(new InputGuard<>(in), new TimeoutGuard(timeout)).select();
        return s.index() == 0 ? Optional.of(s.value()) : Optional.empty();
    }

    /**
     * relay-done-write-read, stricter than done-write-read: every DONE write on the relayed
     * channel was read by a DONE read, with no excuse for reads that ended UNKNOWN. A remote
     * reader's read is DONE as it accepts the value, and the home confirms a relayed write
     * (TAKEN) only after that ACCEPT; a read that ended otherwise accepted nothing, so it
     * cannot have taken a value whose write is DONE.
     */
    static List<String> check(List<Operation> history) {
        Set<String> read = new HashSet<>();
        for (Operation op : history) {
            if (op.channel().equals(CHANNEL) && op.kind().equals("read") && op.outcome() == Outcome.DONE) {
                read.add(op.value());
            }
        }
        List<Operation> unread = new ArrayList<>();
        for (Operation op : history) {
            if (op.channel().equals(CHANNEL) && op.kind().equals("write") && op.outcome() == Outcome.DONE
                    && !read.contains(op.value())) {
                unread.add(op);
            }
        }
        return unread.isEmpty() ? List.of() : List.of("relay-done-write-read: " + unread.size() + " DONE writes on the"
                + " relayed channel were never read: " + unread);
    }

    /** Poisons the relayed channel through a new remote end; an exception is the anomaly poison-applied. */
    static void poison(Channel<String> remote, List<String> anomalies) {
        try {
            remote.writer().poison();
        } catch (RuntimeException e) {
            anomalies.add("poison-applied: poisoning '" + CHANNEL + "' through a remote end after the faults threw "
                    + e);
        }
    }

    /** Outcomes per worker of the relayed channel, for the report's notes. */
    static Map<String, Map<Outcome, Integer>> outcomesPerWorker(List<Operation> history) {
        Map<String, Map<Outcome, Integer>> n = new TreeMap<>();
        for (Operation op : history) {
            if (op.channel().equals(CHANNEL)) {
                n.computeIfAbsent(op.process(), p -> new TreeMap<>()).merge(op.outcome(), 1, Integer::sum);
            }
        }
        return n;
    }
}

package dev.parley.chaos;

import dev.parley.ChannelEnd;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The threads of a scenario's workload: writers that write until told to stop, and readers
 * that read until their channel is poisoned. {@link #close()} interrupts and joins every
 * thread still running, so a scenario in try-with-resources leaves none behind even when a
 * node hangs. Started and stopped by the scenario's thread; the workers only read the stop
 * flag.
 */
final class Workers implements AutoCloseable {
    private final List<Thread> writers = new ArrayList<>();
    private final List<Thread> others = new ArrayList<>();
    private volatile boolean stopping;

    /** Starts a platform thread running {@code body} that is not a writer. */
    void start(String name, Runnable body) {
        others.add(Thread.ofPlatform().name(name).start(body));
    }

    /** Starts a writer's thread; {@link #stopWritersThenPoison} ends it first. */
    void startWriter(String name, Runnable body) {
        writers.add(Thread.ofPlatform().name("chaos-" + name).start(body));
    }

    boolean stopping() {
        return stopping;
    }

    /** After an UNKNOWN or UNREACHABLE outcome a worker waits this long before its next operation. */
    static final long BACKOFF_MS = 10;

    /**
     * Writes {@code <writer>:0}, {@code <writer>:1}, ... with a timeout each, {@code gapMs}
     * apart, until the workers stop or the channel is poisoned or retired. After an UNKNOWN or
     * UNREACHABLE outcome it waits {@link #BACKOFF_MS} and goes on with a fresh end from
     * {@code ends}, or with the same end if {@code ends} is null.
     */
    static void writeUntilStopped(Recorder recorder, String writer, String channel, ChannelOutput<String> first,
                                  Supplier<ChannelOutput<String>> ends, long timeoutMs, long gapMs, Workers workers) {
        ChannelOutput<String> out = first;
        for (int i = 0; !workers.stopping(); i++) {
            Outcome o = AeronWriteScenario.timedWrite(recorder, writer, channel, out, i, timeoutMs);
            if (o == Outcome.POISONED || o == Outcome.RETIRED || o == Outcome.FAILED) {
                return;
            }
            boolean failed = o == Outcome.UNKNOWN || o == Outcome.UNREACHABLE;
            if (failed && ends != null) {
                out = ends.get();
            }
            if (!pause(failed ? BACKOFF_MS : gapMs)) {
                return;
            }
        }
    }

    /**
     * Writes {@code <prefix>:0}, {@code <prefix>:1}, ... untimed, {@code gapMs} apart, through
     * one end until the workers stop; true if it stopped so, false if an exception ended it
     * (POISONED, RETIRED, FAILED) or it was interrupted. After an UNKNOWN or UNREACHABLE outcome
     * it waits {@link #BACKOFF_MS} and goes on with the same end.
     */
    static boolean writeUntimedUntilStopped(Recorder recorder, String writer, String channel, String prefix,
                                            ChannelOutput<String> out, long gapMs, Workers workers) {
        for (int i = 0; !workers.stopping(); i++) {
            String value = prefix + ":" + i;
            Recorder.Pending op = recorder.begin(writer, channel, "write", value, null);
            long pauseMs = gapMs;
            try {
                out.write(value);
                op.done();
            } catch (RuntimeException e) {
                op.threw(e);
                if (!survivable(e)) {
                    return false;
                }
                pauseMs = BACKOFF_MS;
            }
            if (!pause(pauseMs)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a worker goes on after {@code e}: after UNKNOWN and UNREACHABLE it does. */
    static boolean survivable(RuntimeException e) {
        Outcome o = Outcome.of(e);
        return o == Outcome.UNKNOWN || o == Outcome.UNREACHABLE;
    }

    /** Reads untimed, recording each read as {@code reader}, until the channel ends or another exception. */
    static void readUntilEnd(Recorder recorder, String reader, String channel, ChannelInput<String> in) {
        while (true) {
            Recorder.Pending op = recorder.begin(reader, channel, "read", null, null);
            try {
                op.done(in.read());
            } catch (RuntimeException e) {
                op.threw(e);                      // POISONED at the end; anything else is an anomaly
                return;
            }
        }
    }

    /**
     * Reads with a timeout each, recording each read as {@code reader}, until the channel ends,
     * or a read finds nothing (NOT_DONE) once the workers stop: the channel is drained. After
     * an UNKNOWN or UNREACHABLE outcome it waits {@link #BACKOFF_MS} and goes on with a fresh
     * end from {@code ends}.
     */
    static void readTimedUntilDrained(Recorder recorder, String reader, String channel,
                                      Supplier<ChannelInput<String>> ends, long timeoutMs, Workers workers) {
        readTimedUntilDrained(recorder, reader, channel, ends, ChannelInput::read, timeoutMs, workers);
    }

    /** One timed read through an end: the value, or empty if the timeout passed first. */
    interface TimedRead {
        java.util.Optional<String> read(ChannelInput<String> in, Duration timeout);
    }

    /**
     * As {@link #readTimedUntilDrained(Recorder, String, String, Supplier, long, Workers)},
     * each read made by {@code how}.
     */
    static void readTimedUntilDrained(Recorder recorder, String reader, String channel,
                                      Supplier<ChannelInput<String>> ends, TimedRead how, long timeoutMs,
                                      Workers workers) {
        Duration timeout = Duration.ofMillis(timeoutMs);
        ChannelInput<String> in = ends.get();
        while (true) {
            boolean last = workers.stopping();
            Recorder.Pending op = recorder.begin(reader, channel, "read", null, timeout);
            try {
                java.util.Optional<String> got = how.read(in, timeout);
                if (got.isPresent()) {
                    op.done(got.get());
                } else {
                    op.notDone();
                    if (last) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                op.threw(e);
                Outcome o = Outcome.of(e);
                if (o != Outcome.UNKNOWN && o != Outcome.UNREACHABLE || !pause(BACKOFF_MS)) {
                    return;
                }
                in = ends.get();
            }
        }
    }

    /** Stops the writers and waits for them, then for the other threads (a drained reader ends), each up to joinMs. */
    List<Operation> stopAndDrain(long joinMs, Recorder recorder) throws InterruptedException {
        stopWriters(joinMs);
        joinOthers(joinMs);
        return recorder.running();
    }

    /**
     * Stops the writers and waits for them, poisons the channel through {@code poisonEnd} and
     * waits for the other threads, each wait up to {@code joinMs}; returns the operations
     * still running then (hung ones).
     */
    List<Operation> stopWritersThenPoison(ChannelEnd poisonEnd, long joinMs, Recorder recorder)
            throws InterruptedException {
        stopWriters(joinMs);
        poisonEnd.poison();
        joinOthers(joinMs);
        return recorder.running();
    }

    /** Tells the writers to stop and waits up to {@code joinMs} for them. */
    void stopWriters(long joinMs) throws InterruptedException {
        stopping = true;
        joinAll(writers, joinMs);
    }

    /** Waits up to {@code joinMs} for the threads that are not writers. */
    void joinOthers(long joinMs) throws InterruptedException {
        joinAll(others, joinMs);
    }

    private static void joinAll(List<Thread> threads, long joinMs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(joinMs);
        for (Thread t : threads) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs > 0) {
                t.join(leftMs);
            }
        }
    }

    /** Sleeps; false (the interrupt status kept) if interrupted. */
    static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Interrupts every thread still alive and waits up to 5 s for each. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        List<Thread> all = new ArrayList<>(writers);
        all.addAll(others);
        for (Thread t : all) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        for (Thread t : all) {
            t.join(5_000);
        }
    }
}

package dev.parley.model;

import dev.parley.Alternation;
import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelEnd;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Parallel;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.Selected;
import dev.parley.SkipGuard;
import dev.parley.TimeoutGuard;
import dev.parley.model.Outcome.Done;
import dev.parley.model.Outcome.Ending;
import dev.parley.model.Outcome.Fired;
import dev.parley.model.Outcome.ProcessOutcome;
import dev.parley.model.Outcome.Received;
import dev.parley.model.Outcome.Result;
import dev.parley.model.Outcome.Threw;
import dev.parley.model.Outcome.TimedOut;
import dev.parley.model.Outcome.Wrote;
import dev.parley.model.Program.End;
import dev.parley.model.Program.Guard;
import dev.parley.model.Program.In;
import dev.parley.model.Program.Op;
import dev.parley.model.Program.Out;
import dev.parley.model.Program.Poison;
import dev.parley.model.Program.Read;
import dev.parley.model.Program.Retire;
import dev.parley.model.Program.Select;
import dev.parley.model.Program.Side;
import dev.parley.model.Program.Signal;
import dev.parley.model.Program.Skip;
import dev.parley.model.Program.TimedRead;
import dev.parley.model.Program.TimedWrite;
import dev.parley.model.Program.Timeout;
import dev.parley.model.Program.Write;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs a {@link Program} on the real core: one process per program process, on threads made by
 * a given factory, through {@code Parallel.run}. The calling thread is the watchdog: when every
 * live process thread has been parked without a deadline (state WAITING) and no operation has
 * completed for a whole quiet period (longer when the outcome is not one expected), the run is
 * deadlocked: the results are taken as they
 * stand (the live processes are BLOCKED) and every process is interrupted to clean up. Call it
 * from one thread at a time per run; it blocks until the run has ended, at most about
 * {@code 2 * limit}.
 *
 * <p>Besides the outcome, the run reports problems the model cannot see: a timeout that came
 * before its delay (measured around the call, so it is never blamed wrongly), a selection whose
 * guard and index disagree, an unexpected exception, a run that neither ended nor went quiet
 * within {@code limit}.
 */
public final class CoreRunner {

    private static final long SAMPLE_MS = 10;

    private CoreRunner() {
    }

    /**
     * What one real run showed.
     *
     * @param outcome the observable outcome
     * @param problems what went wrong beyond the outcome; empty when nothing did
     * @param deadlocked whether the watchdog found the run quiet and interrupted it
     */
    public record Run(Outcome outcome, List<String> problems, boolean deadlocked) {}

    /**
     * @param program the program to run
     * @param threads makes the process threads (virtual or platform)
     * @param quiet how long a run must stay parked and unchanged to count as deadlocked
     * @param limit how long a run may take at most before it is reported as hung
     * @return the run
     * @throws InterruptedException if the calling thread is interrupted while watching
     */
    public static Run run(Program program, ThreadFactory threads, Duration quiet, Duration limit)
            throws InterruptedException {
        return run(program, threads, quiet, limit, outcome -> true);
    }

    /**
     * As {@link #run(Program, ThreadFactory, Duration, Duration)}, but a quiet run whose outcome
     * is not {@code expected} is watched on for up to {@code limit}, so that a thread that was
     * woken but not yet scheduled is not taken for a deadlock; only a run that stays quiet that
     * long is taken as deadlocked then.
     *
     * @param expected the deadlocked outcomes that need no patience, e.g. those the model allows
     */
    public static Run run(Program program, ThreadFactory threads, Duration quiet, Duration limit,
                          Predicate<Outcome> expected) throws InterruptedException {
        Prepared setup = prepare(program);
        int n = program.processes().size();
        List<CopyOnWriteArrayList<Result>> results = setup.results();
        AtomicReferenceArray<Ending> endings = setup.endings();
        List<String> problems = setup.problems();
        AtomicBoolean cleaningUp = setup.cleaningUp();
        List<CSProcess> processes = setup.processes();

        List<Thread> started = new CopyOnWriteArrayList<>();
        ThreadFactory recording = task -> {
            Thread thread = threads.newThread(task);
            started.add(thread);
            return thread;
        };
        CountDownLatch ended = new CountDownLatch(1);
        Thread runner = Thread.ofPlatform().name("parley-model-run").start(() -> {
            try {
                Parallel.run(recording, processes);
            } catch (Exception e) {
                if (!cleaningUp.get()) {
                    problems.add("Parallel.run threw " + e);
                }
            } finally {
                ended.countDown();
            }
        });

        Outcome outcome = null;
        boolean deadlocked = false;
        long deadlineNs = System.nanoTime() + limit.toNanos();
        long lastProgress = -1;
        long quietMs = 0;
        while (!ended.await(SAMPLE_MS, TimeUnit.MILLISECONDS)) {
            long progress = results.stream().mapToLong(List::size).sum();
            boolean parked = started.size() == n && started.stream().filter(Thread::isAlive)
                    .allMatch(t -> t.getState() == Thread.State.WAITING);
            quietMs = parked && progress == lastProgress ? quietMs + SAMPLE_MS : 0;
            lastProgress = progress;
            boolean hung = System.nanoTime() > deadlineNs;
            boolean stuck = quietMs >= quiet.toMillis()
                    && (quietMs >= limit.toMillis() / 2 || expected.test(snapshot(results, endings)));
            if (stuck || hung) {
                if (hung && !stuck) {
                    problems.add("the run neither ended nor went quiet within " + limit);
                }
                deadlocked = stuck;
                outcome = snapshot(results, endings);
                cleaningUp.set(true);
                started.forEach(Thread::interrupt);
                break;
            }
        }
        if (!ended.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            problems.add("the run did not end within " + limit + " of being interrupted");
            runner.interrupt();
        }
        runner.join(limit.toMillis());
        if (outcome == null) {
            outcome = snapshot(results, endings);
        }
        return new Run(outcome, List.copyOf(problems), deadlocked);
    }

    /**
     * Runs {@code program} on threads from {@code threads} in the calling thread, with no
     * watchdog: blocks until every process has ended, so it hangs on a program that deadlocks.
     * For callers that detect hangs themselves (a model checker such as Lincheck).
     *
     * @param program the program to run
     * @param threads makes the process threads
     * @return the run; {@code deadlocked} is always false
     */
    public static Run runUnwatched(Program program, ThreadFactory threads) {
        Prepared setup = prepare(program);
        try {
            Parallel.run(threads, setup.processes());
        } catch (Exception e) {
            setup.problems().add("Parallel.run threw " + e);
        }
        return new Run(snapshot(setup.results(), setup.endings()), List.copyOf(setup.problems()), false);
    }

    // The channels, ends and process bodies of one run, and what the bodies record.
    private record Prepared(List<CSProcess> processes, List<CopyOnWriteArrayList<Result>> results,
                            AtomicReferenceArray<Ending> endings, List<String> problems, AtomicBoolean cleaningUp) {}

    private static Prepared prepare(Program program) {
        int n = program.processes().size();
        List<Channel<Integer>> channels = new ArrayList<>();
        for (int c = 0; c < program.capacities().size(); c++) {
            int capacity = program.capacities().get(c);
            channels.add(capacity == 0 ? Channel.create("c" + c) : Channel.buffered("c" + c, capacity));
        }
        List<CopyOnWriteArrayList<Result>> results = new ArrayList<>();
        AtomicReferenceArray<Ending> endings = new AtomicReferenceArray<>(n);
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicBoolean cleaningUp = new AtomicBoolean();
        List<CSProcess> processes = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            Map<End, ChannelEnd> ends = new LinkedHashMap<>();
            for (End end : program.ends(p)) {
                Channel<Integer> channel = channels.get(end.channel());
                ends.put(end, end.side() == Side.READER ? channel.reader() : channel.writer());
            }
            CopyOnWriteArrayList<Result> log = new CopyOnWriteArrayList<>();
            results.add(log);
            Body body = new Body(p, program.processes().get(p), ends, log, endings, problems, cleaningUp);
            processes.add(CSProcess.owning(body::run, List.copyOf(ends.values())));
        }
        return new Prepared(processes, results, endings, problems, cleaningUp);
    }

    private static Outcome snapshot(List<CopyOnWriteArrayList<Result>> results, AtomicReferenceArray<Ending> endings) {
        List<ProcessOutcome> processes = new ArrayList<>();
        for (int p = 0; p < results.size(); p++) {
            Ending ending = endings.get(p);
            processes.add(new ProcessOutcome(List.copyOf(results.get(p)), ending == null ? Ending.BLOCKED : ending));
        }
        return new Outcome(processes);
    }

    /** The body of one process: runs its operations in order and logs each result. */
    private record Body(int process, List<Op> ops, Map<End, ChannelEnd> ends, List<Result> log,
                        AtomicReferenceArray<Ending> endings, List<String> problems, AtomicBoolean cleaningUp) {

        void run() {
            Map<List<Guard>, Alternation> alternations = new HashMap<>();
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                try {
                    log.add(execute(op, alternations, "p" + process + " op " + i + " " + op));
                } catch (PoisonException e) {
                    stop(Signal.POISON);
                    throw e;
                } catch (RetiredException e) {
                    stop(Signal.RETIRED);
                    throw e;
                } catch (RuntimeException e) {
                    if (!cleaningUp.get()) {
                        problems.add("p" + process + " op " + i + " " + op + " threw " + e);
                    }
                    throw e;
                }
            }
            endings.set(process, Ending.FINISHED);
        }

        private void stop(Signal signal) {
            log.add(new Threw(signal));
            endings.set(process, Ending.STOPPED);
        }

        @SuppressWarnings("unchecked")
        private ChannelInput<Integer> in(int channel) {
            return (ChannelInput<Integer>) ends.get(new End(process, channel, Side.READER));
        }

        @SuppressWarnings("unchecked")
        private ChannelOutput<Integer> out(int channel) {
            return (ChannelOutput<Integer>) ends.get(new End(process, channel, Side.WRITER));
        }

        private Result execute(Op op, Map<List<Guard>, Alternation> alternations, String where) {
            long startNs = System.nanoTime();
            return switch (op) {
                case Write w -> {
                    out(w.channel()).write(w.value());
                    yield new Wrote();
                }
                case Read r -> new Received(in(r.channel()).read());
                case TimedWrite w -> {
                    boolean delivered = out(w.channel()).write(w.value(), Duration.ofMillis(w.delayMs()));
                    yield delivered ? new Wrote() : timedOut(startNs, w.delayMs(), where);
                }
                case TimedRead r -> {
                    Optional<Integer> got = in(r.channel()).read(Duration.ofMillis(r.delayMs()));
                    yield got.<Result>map(Received::new).orElseGet(() -> timedOut(startNs, r.delayMs(), where));
                }
                case Select s -> select(s, alternations.computeIfAbsent(s.guards(), this::alternation), startNs, where);
                case Poison p -> {
                    ends.get(new End(process, p.channel(), p.side())).poison();
                    yield new Done();
                }
                case Retire r -> {
                    ends.get(new End(process, r.channel(), r.side())).retire();
                    yield new Done();
                }
            };
        }

        private Result timedOut(long startNs, int delayMs, String where) {
            long elapsedNs = System.nanoTime() - startNs;
            if (elapsedNs < TimeUnit.MILLISECONDS.toNanos(delayMs)) {
                problems.add(where + " timed out after " + elapsedNs + " ns, before its delay of " + delayMs + " ms");
            }
            return new TimedOut();
        }

        private Alternation alternation(List<Guard> guards) {
            List<dev.parley.Guard> real = new ArrayList<>();
            for (Guard g : guards) {
                real.add(switch (g) {
                    case In in -> new InputGuard<>(in(in.channel()), in.enabled());
                    case Out out -> new OutputGuard<>(out(out.channel()), out.value(), out.enabled());
                    case Timeout t -> new TimeoutGuard(Duration.ofMillis(t.delayMs()), t.enabled());
                    case Skip skip -> new SkipGuard(skip.enabled());
                });
            }
            return new Alternation(real);
        }

        private Result select(Select select, Alternation alternation, long startNs, String where) {
            Selected chosen = switch (select.order()) {
                case ARBITRARY -> alternation.select();
                case PRI -> alternation.priSelect();
                case FAIR -> alternation.fairSelect();
            };
            int index = chosen.index();
            if (index < 0 || index >= select.guards().size() || chosen.guard() != alternation.guards().get(index)) {
                problems.add(where + " returned " + chosen + ", whose index and guard disagree");
                return new Fired(index, null);
            }
            if (select.guards().get(index) instanceof Timeout t) {
                timedOut(startNs, t.delayMs(), where);
            }
            Integer value = chosen.value();
            return new Fired(index, select.guards().get(index) instanceof In ? value : null);
        }
    }
}

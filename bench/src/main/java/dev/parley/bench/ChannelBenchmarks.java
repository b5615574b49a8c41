package dev.parley.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The JMH benchmarks: every shape, Parley and its baselines. JMH calls each method from its own
 * benchmark thread. A score is nanoseconds per channel communication: each invocation starts the
 * shape's processes on fresh virtual threads, runs {@link #COMMUNICATIONS} communications and
 * waits for the processes to end, and {@link OperationsPerInvocation} divides by that count.
 * Starting and joining two to four virtual threads per invocation costs a few microseconds,
 * under 1 ns per communication at this batch size.
 *
 * <p>The defaults here (1 fork, 3 warm-up and 8 measured iterations of 1 s) are the cheap run;
 * {@link BenchMain} runs every benchmark once per carrier setting and may override them. Virtual
 * thread scheduler parallelism is a JVM flag, so {@link BenchMain} sets it per fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class ChannelBenchmarks {

    /** Communications per invocation, in every shape. */
    static final int COMMUNICATIONS = 20_000;
    static final int ROUND_TRIPS = COMMUNICATIONS / 2;
    static final int CYCLES = COMMUNICATIONS / Commstime.COMMUNICATIONS_PER_CYCLE;

    @Benchmark
    @OperationsPerInvocation(COMMUNICATIONS)
    public long pingPongParley() throws Exception {
        return PingPong.parley(ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(COMMUNICATIONS)
    public long pingPongSynchronousQueue() throws Exception {
        return PingPong.baseline(Link.Kind.SYNCHRONOUS_QUEUE, ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(COMMUNICATIONS)
    public long pingPongExchanger() throws Exception {
        return PingPong.baseline(Link.Kind.EXCHANGER, ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(COMMUNICATIONS)
    public long commstimeParley() throws Exception {
        return Commstime.parley(CYCLES);
    }

    @Benchmark
    @OperationsPerInvocation(COMMUNICATIONS)
    public long commstimeSynchronousQueue() throws Exception {
        return Commstime.baseline(Link.Kind.SYNCHRONOUS_QUEUE, CYCLES);
    }

    @Benchmark
    @OperationsPerInvocation(COMMUNICATIONS)
    public long commstimeExchanger() throws Exception {
        return Commstime.baseline(Link.Kind.EXCHANGER, CYCLES);
    }

    @Benchmark
    @OperationsPerInvocation(COMMUNICATIONS)
    public long selectPingPongParley() throws Exception {
        return SelectPingPong.parley(ROUND_TRIPS);
    }
}

package dev.parley.bench;

/**
 * The shapes of work that {@link ChannelBenchmarks} measures, with the Go figures recorded for
 * the same shape. The Go figures were not measured by this module: they come from
 * {@code /work/shared/FACTS.md} ("Peers measured on this machine": Go 1.19, one processor,
 * medians of 8 runs, in one interleaved and noisy session). Immutable; any thread.
 */
enum Shape {
    PING_PONG("ping-pong", "pingPong", 151, 170),
    COMMSTIME("Commstime", "commstime", 135, 135),
    SELECT_PING_PONG("select ping-pong", "selectPingPong", 175, 175);

    /** Where the Go figures come from, for every table that prints them. */
    static final String GO_SOURCE = "Go 1.19, 1 processor: recorded in /work/shared/FACTS.md on this machine in"
            + " an earlier session, NOT measured in this run";

    private final String label;
    private final String methodPrefix;
    private final double goLowNs;
    private final double goHighNs;

    Shape(String label, String methodPrefix, double goLowNs, double goHighNs) {
        this.label = label;
        this.methodPrefix = methodPrefix;
        this.goLowNs = goLowNs;
        this.goHighNs = goHighNs;
    }

    /** @return the name people use for the shape */
    String label() {
        return label;
    }

    /** @return the name of the {@link ChannelBenchmarks} method measuring this shape on {@code implementation} */
    String method(Implementation implementation) {
        return methodPrefix + implementation.suffix();
    }

    /** @return the fastest Go figure recorded, ns per communication */
    double goLowNs() {
        return goLowNs;
    }

    /** @return the slowest Go figure recorded (the same as {@link #goLowNs()} when one was given) */
    double goHighNs() {
        return goHighNs;
    }

    /** What carries the messages. */
    enum Implementation {
        PARLEY("Parley"),
        SYNCHRONOUS_QUEUE("SynchronousQueue"),
        EXCHANGER("Exchanger");

        private final String suffix;

        Implementation(String suffix) {
            this.suffix = suffix;
        }

        /** @return the ending of the benchmark methods of this implementation, and its display name */
        String suffix() {
            return suffix;
        }
    }
}

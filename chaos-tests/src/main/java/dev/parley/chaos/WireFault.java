package dev.parley.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One fault on the wire, as the scenario matrix applies it to every proxy of a scenario for
 * {@code durationMs}: any mix of loss, latency with jitter, duplication, reordering and a
 * bandwidth limit, both ways, and optionally a partition (two-way on every proxy, or one-way: the data towards the
 * channel's home only). Immutable; any thread may use it.
 *
 * @param name usable in a file name, such as {@code loss-20} or {@code partition-15s}
 * @param loss the probability that a datagram is dropped, 0 for none
 * @param latencyMs the added delay, with {@code jitterMs} the half-width of its uniform spread
 * @param duplication the probability of one extra copy
 * @param reorder the probability that a datagram is held and swapped with the next one
 * @param bandwidthBytesPerSecond the rate each direction of each proxy is limited to (a token
 *     bucket of {@link #BANDWIDTH_BURST_BYTES}: datagrams over the rate wait, none is dropped),
 *     0 for no limit
 */
public record WireFault(String name, long durationMs, double loss, long latencyMs, long jitterMs, double duplication,
                        double reorder, long bandwidthBytesPerSecond, Cut cut) {

    /** Which partition, if any, the fault adds. */
    public enum Cut { NONE, TWO_WAY, ONE_WAY_TO_HOME }

    /** The longest a reordered datagram waits for a successor, in ms. */
    static final long REORDER_HOLD_MS = 20;
    /** The burst a bandwidth limit lets through at once: a few of Aeron's largest datagrams. */
    static final long BANDWIDTH_BURST_BYTES = 4_096;

    public WireFault {
        if (!name.matches("[A-Za-z0-9._-]+") || durationMs < 1 || latencyMs < 0 || jitterMs < 0
                || bandwidthBytesPerSecond < 0) {
            throw new IllegalArgumentException("need a file-name-safe name, durationMs >= 1, latency, jitter and"
                    + " bandwidth >= 0: name=" + name + ", durationMs=" + durationMs + ", latencyMs=" + latencyMs
                    + ", jitterMs=" + jitterMs + ", bandwidthBytesPerSecond=" + bandwidthBytesPerSecond);
        }
        Toxic.checkToxicity(loss);
        Toxic.checkToxicity(duplication);
        Toxic.checkToxicity(reorder);
    }

    static WireFault loss(double rate, long durationMs) {
        return new WireFault("loss-" + pct(rate), durationMs, rate, 0, 0, 0, 0, 0, Cut.NONE);
    }

    static WireFault latency(long latencyMs, long jitterMs, long durationMs) {
        return new WireFault("latency-" + latencyMs + "j" + jitterMs, durationMs, 0, latencyMs, jitterMs, 0, 0, 0,
                Cut.NONE);
    }

    static WireFault duplication(double p, long durationMs) {
        return new WireFault("duplication-" + pct(p), durationMs, 0, 0, 0, p, 0, 0, Cut.NONE);
    }

    static WireFault reordering(double p, long durationMs) {
        return new WireFault("reorder-" + pct(p), durationMs, 0, 0, 0, 0, p, 0, Cut.NONE);
    }

    static WireFault partition(long durationMs) {
        return new WireFault("partition-" + seconds(durationMs), durationMs, 0, 0, 0, 0, 0, 0, Cut.TWO_WAY);
    }

    static WireFault oneWayPartition(long durationMs) {
        return new WireFault("oneway-" + seconds(durationMs), durationMs, 0, 0, 0, 0, 0, 0,
                Cut.ONE_WAY_TO_HOME);
    }

    static WireFault bandwidth(long bytesPerSecond, long durationMs) {
        return new WireFault("bandwidth-" + kilobytes(bytesPerSecond), durationMs, 0, 0, 0, 0, 0, bytesPerSecond,
                Cut.NONE);
    }

    /** This fault with another's toxics and cut added (the stronger of each, the lower bandwidth), lasting longer. */
    WireFault and(WireFault o) {
        long bandwidth = bandwidthBytesPerSecond == 0 || o.bandwidthBytesPerSecond == 0
                ? Math.max(bandwidthBytesPerSecond, o.bandwidthBytesPerSecond)
                : Math.min(bandwidthBytesPerSecond, o.bandwidthBytesPerSecond);
        return new WireFault(name + "_" + o.name, Math.max(durationMs, o.durationMs), Math.max(loss, o.loss),
                Math.max(latencyMs, o.latencyMs), Math.max(jitterMs, o.jitterMs), Math.max(duplication, o.duplication),
                Math.max(reorder, o.reorder), bandwidth, cut == Cut.NONE ? o.cut : cut);
    }

    /**
     * The full matrix of {@code bin/parley chaos}: each fault alone at several intensities, then
     * in combination; faults other than partitions last {@code faultMs}. Partitions last 1, 5
     * and 15 s (the peer timeout is 5 s). The bandwidth limits are set against the workload's
     * own rate, about 130 kB/s on each proxy's busy direction when nothing limits it: 500 kB/s
     * is well above it, 100 kB/s just below it, 20 kB/s far below it.
     */
    public static List<WireFault> matrix(long faultMs) {
        List<WireFault> m = new ArrayList<>();
        m.add(loss(0.01, faultMs));
        m.add(loss(0.05, faultMs));
        m.add(loss(0.20, faultMs));
        m.add(latency(1, 1, faultMs));
        m.add(latency(10, 5, faultMs));
        m.add(latency(25, 25, faultMs));
        m.add(duplication(0.05, faultMs));
        m.add(reordering(0.10, faultMs));
        m.add(bandwidth(500_000, faultMs));
        m.add(bandwidth(100_000, faultMs));
        m.add(bandwidth(20_000, faultMs));
        m.add(partition(1_000));
        m.add(partition(5_000));
        m.add(partition(15_000));
        m.add(oneWayPartition(2_000));
        m.add(loss(0.05, faultMs).and(latency(10, 5, faultMs)).and(duplication(0.05, faultMs)));
        m.add(loss(0.05, faultMs).and(reordering(0.10, faultMs)).and(duplication(0.05, faultMs)));
        m.add(loss(0.20, faultMs).and(latency(25, 25, faultMs)));
        m.add(loss(0.05, faultMs).and(bandwidth(100_000, faultMs)));
        m.add(loss(0.05, faultMs).and(latency(5, 3, faultMs)).and(duplication(0.05, faultMs)).and(partition(3_000)));
        return m;
    }

    /**
     * The faults {@code bin/parley chaos} runs the three-node workload of
     * {@link MultiNodeScenario} under (its relayed channel among them): combined loss, latency,
     * duplication and reordering, loss with a 3 s partition, each toxic alone at a strong
     * intensity, a bandwidth limit, two-way partitions as long as the peer timeout and three
     * times as long, and a one-way partition; faults other than partitions last {@code faultMs}.
     */
    public static List<WireFault> threeNodeMatrix(long faultMs) {
        return List.of(
                loss(0.05, faultMs).and(latency(5, 3, faultMs)).and(duplication(0.05, faultMs))
                        .and(reordering(0.10, faultMs)),
                loss(0.05, 3_000).and(partition(3_000)),
                loss(0.20, faultMs),
                latency(25, 25, faultMs),
                duplication(0.05, faultMs),
                reordering(0.10, faultMs),
                bandwidth(100_000, faultMs),
                partition(5_000),
                partition(15_000),
                oneWayPartition(2_000));
    }

    /** The small representative subset the short suite ({@code mvn -B test}) runs, with short phases. */
    public static List<WireFault> shortSuite() {
        return List.of(
                loss(0.20, 1_000),
                latency(25, 25, 1_000).and(duplication(0.05, 1_000)),
                loss(0.05, 1_000).and(reordering(0.10, 1_000)).and(duplication(0.05, 1_000)).and(partition(1_000)));
    }

    /** A random combination for the soak: one to three faults of random intensity, drawn from {@code random}. */
    public static WireFault random(Random random, long faultMs) {
        WireFault f = pick(random, faultMs);
        int more = random.nextInt(3);
        for (int i = 0; i < more; i++) {
            f = f.and(pick(random, faultMs));
        }
        return f.named(f.canonicalName());
    }

    /** This fault under another name. */
    WireFault named(String newName) {
        return new WireFault(newName, durationMs, loss, latencyMs, jitterMs, duplication, reorder,
                bandwidthBytesPerSecond, cut);
    }

    /** A name from the fault's values, one part per toxic, such as {@code loss-5_latency-10j5_partition-3s}. */
    String canonicalName() {
        List<String> parts = new ArrayList<>();
        if (loss > 0) {
            parts.add("loss-" + pct(loss));
        }
        if (latencyMs > 0 || jitterMs > 0) {
            parts.add("latency-" + latencyMs + "j" + jitterMs);
        }
        if (duplication > 0) {
            parts.add("duplication-" + pct(duplication));
        }
        if (reorder > 0) {
            parts.add("reorder-" + pct(reorder));
        }
        if (bandwidthBytesPerSecond > 0) {
            parts.add("bandwidth-" + kilobytes(bandwidthBytesPerSecond));
        }
        if (cut == Cut.TWO_WAY) {
            parts.add("partition-" + seconds(durationMs));
        } else if (cut == Cut.ONE_WAY_TO_HOME) {
            parts.add("oneway-" + seconds(durationMs));
        }
        return parts.isEmpty() ? "none-" + seconds(durationMs) : String.join("_", parts);
    }

    private static WireFault pick(Random r, long faultMs) {
        return switch (r.nextInt(6)) {
            case 0 -> loss(new double[] {0.01, 0.05, 0.10, 0.20}[r.nextInt(4)], faultMs);
            case 1 -> latency(1 + r.nextInt(30), r.nextInt(21), faultMs);
            case 2 -> duplication(new double[] {0.01, 0.05, 0.10}[r.nextInt(3)], faultMs);
            case 3 -> reordering(new double[] {0.05, 0.10, 0.30}[r.nextInt(3)], faultMs);
            case 4 -> partition(1_000L * (1 + r.nextInt(15)));
            default -> oneWayPartition(1_000L * (1 + r.nextInt(8)));
        };
    }

    /** Adds this fault's toxics, both ways, to a proxy; {@code toHome} says whether it faces the channel's home. */
    void applyTo(Proxy p, boolean toHome) {
        for (ToxicDirection d : ToxicDirection.values()) {
            String suffix = "-" + d.name().toLowerCase(Locale.ROOT);
            if (loss > 0) {
                p.addLoss("loss" + suffix, d, loss);
            }
            if (latencyMs > 0 || jitterMs > 0) {
                p.addLatency("latency" + suffix, d, latencyMs, jitterMs);
            }
            if (duplication > 0) {
                p.addDuplicate("duplicate" + suffix, d, duplication, 1);
            }
            if (reorder > 0) {
                p.addReorder("reorder" + suffix, d, reorder, REORDER_HOLD_MS);
            }
            if (bandwidthBytesPerSecond > 0) {
                p.addBandwidth("bandwidth" + suffix, d, bandwidthBytesPerSecond, BANDWIDTH_BURST_BYTES);
            }
        }
        if (cut == Cut.TWO_WAY) {
            p.partition();
        } else if (cut == Cut.ONE_WAY_TO_HOME && toHome) {
            p.partition(ToxicDirection.UPSTREAM);
        }
    }

    /** In words, for the report. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (loss > 0) {
            parts.add("loss " + loss);
        }
        if (latencyMs > 0 || jitterMs > 0) {
            parts.add("latency " + latencyMs + " +- " + jitterMs + " ms");
        }
        if (duplication > 0) {
            parts.add("duplication " + duplication);
        }
        if (reorder > 0) {
            parts.add("reordering " + reorder + " (hold <= " + REORDER_HOLD_MS + " ms)");
        }
        if (bandwidthBytesPerSecond > 0) {
            parts.add("bandwidth " + bandwidthBytesPerSecond + " B/s (burst " + BANDWIDTH_BURST_BYTES + " B)");
        }
        if (cut == Cut.TWO_WAY) {
            parts.add("two-way partition of every proxy");
        } else if (cut == Cut.ONE_WAY_TO_HOME) {
            parts.add("one-way partition: nothing reaches the channel's home");
        }
        return String.join(", ", parts) + ", both ways on every proxy, for " + durationMs + " ms";
    }

    private static String pct(double p) {
        return String.format(Locale.ROOT, "%.0f", p * 100);
    }

    /** Bytes per second as a name part: {@code 20kBps}, or {@code 1500Bps} below a whole kB. */
    private static String kilobytes(long bytesPerSecond) {
        return bytesPerSecond % 1_000 == 0 ? bytesPerSecond / 1_000 + "kBps" : bytesPerSecond + "Bps";
    }

    private static String seconds(long ms) {
        return ms % 1_000 == 0 ? ms / 1_000 + "s" : ms + "ms";
    }
}

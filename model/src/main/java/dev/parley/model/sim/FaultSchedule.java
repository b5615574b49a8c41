package dev.parley.model.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The faults of one simulated run, as data: per-link probabilities of loss and duplication
 * and a delay range, and a list of timed faults (partitions, one-way or two-way, each with
 * its heal; crashes, each with its restart). Generated from a seed, printed, parsed back and
 * shrunk. Immutable; any thread may use it.
 *
 * @param links the faults of each directed link, in the order of {@link #linkIndex}
 * @param faults the timed faults, each ending (heal, restart) before {@link #endNs()}
 */
public record FaultSchedule(List<Link> links, List<Fault> faults) {

    /**
     * The random faults of one directed link.
     *
     * @param dropRate the probability that a frame is lost
     * @param duplicateRate the probability that a frame arrives twice
     * @param minDelayNs the least delay of a frame
     * @param maxDelayNs the greatest delay (a spread reorders frames)
     */
    public record Link(String from, String to, double dropRate, double duplicateRate, long minDelayNs,
            long maxDelayNs) {
        public Link {
            if (dropRate < 0 || dropRate >= 1 || duplicateRate < 0 || duplicateRate >= 1) {
                throw new IllegalArgumentException("rates must be in [0, 1): dropRate=" + dropRate
                        + ", duplicateRate=" + duplicateRate);
            }
            if (minDelayNs < 0 || maxDelayNs < minDelayNs) {
                throw new IllegalArgumentException("need 0 <= minDelayNs <= maxDelayNs: minDelayNs=" + minDelayNs
                        + ", maxDelayNs=" + maxDelayNs);
            }
        }

        Link calmer() {
            return new Link(from, to, dropRate / 2 < 0.005 ? 0 : dropRate / 2,
                    duplicateRate / 2 < 0.005 ? 0 : duplicateRate / 2, minDelayNs, minDelayNs);
        }

        boolean calm() {
            return dropRate == 0 && duplicateRate == 0 && maxDelayNs == minDelayNs;
        }

        @Override
        public String toString() {
            return "link " + from + ">" + to + " drop=" + dropRate + " dup=" + duplicateRate + " delayUs="
                    + minDelayNs / 1000 + ".." + maxDelayNs / 1000;
        }
    }

    /** What a timed fault does. */
    public enum Kind {
        /** Frames from {@code a} to {@code b} are lost from start to end. */
        PARTITION_ONE_WAY,
        /** Frames between {@code a} and {@code b}, both ways, are lost from start to end. */
        PARTITION,
        /** Node {@code a} stops at start (its state and processes are lost) and restarts at end. */
        CRASH
    }

    /**
     * One timed fault.
     *
     * @param b the other node of a partition; empty for a crash
     */
    public record Fault(Kind kind, String a, String b, long startNs, long endNs) {
        public Fault {
            if (endNs <= startNs) {
                throw new IllegalArgumentException("a fault must end after it starts: startNs=" + startNs
                        + ", endNs=" + endNs);
            }
        }

        @Override
        public String toString() {
            String who = kind == Kind.CRASH ? a : a + (kind == Kind.PARTITION ? "<>" : ">") + b;
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + who + " atMs=" + startNs / 1_000_000
                    + ".." + endNs / 1_000_000;
        }
    }

    public FaultSchedule {
        links = List.copyOf(links);
        faults = List.copyOf(faults);
    }

    /**
     * @param nodes the nodes' addresses
     * @param horizonNs every timed fault ends by then
     * @return a schedule drawn from {@code random}: loss up to 20%, duplication up to 10%,
     *     delays of 0.1 to 5 ms, and up to four faults (partitions of both kinds, crashes)
     */
    public static FaultSchedule generate(Random random, List<String> nodes, long horizonNs) {
        List<Link> links = new ArrayList<>();
        for (String from : nodes) {
            for (String to : nodes) {
                if (!from.equals(to)) {
                    long min = 100_000L;
                    long max = min + random.nextInt(5_000) * 1_000L; // whole microseconds, as printed
                    links.add(new Link(from, to, round(random.nextDouble() * 0.2), round(random.nextDouble() * 0.1),
                            min, max));
                }
            }
        }
        List<Fault> faults = new ArrayList<>();
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            String a = nodes.get(random.nextInt(nodes.size()));
            String b = nodes.get(random.nextInt(nodes.size()));
            while (b.equals(a)) {
                b = nodes.get(random.nextInt(nodes.size()));
            }
            long horizonMs = horizonNs / 1_000_000; // whole milliseconds, as printed
            long startMs = (long) (random.nextDouble() * horizonMs * 0.7);
            long endMs = Math.min(horizonMs, startMs + 1 + (long) (random.nextDouble() * (horizonMs - startMs)));
            faults.add(new Fault(kind, a, kind == Kind.CRASH ? "" : b, startMs * 1_000_000, endMs * 1_000_000));
        }
        faults.sort(java.util.Comparator.comparingLong(Fault::startNs));
        return new FaultSchedule(links, faults);
    }

    private static double round(double rate) {
        return Math.round(rate * 1000) / 1000.0;
    }

    /** @return when the last timed fault has ended (0 when there is none) */
    public long endNs() {
        long end = 0;
        for (Fault f : faults) {
            end = Math.max(end, f.endNs());
        }
        return end;
    }

    /** @return the link from {@code from} to {@code to} */
    public Link link(String from, String to) {
        for (Link l : links) {
            if (l.from().equals(from) && l.to().equals(to)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no link from=" + from + " to=" + to + " in " + this);
    }

    /**
     * @return smaller schedules, the simplest first: each with one timed fault removed, then one
     *     with every link calmer (half the loss and duplication, no delay spread)
     */
    public List<FaultSchedule> shrinkCandidates() {
        List<FaultSchedule> out = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            List<Fault> fewer = new ArrayList<>(faults);
            fewer.remove(i);
            out.add(new FaultSchedule(links, fewer));
        }
        for (int i = 0; i < links.size(); i++) {
            if (!links.get(i).calm()) {
                List<Link> calmer = new ArrayList<>(links);
                calmer.set(i, links.get(i).calmer());
                out.add(new FaultSchedule(calmer, faults));
            }
        }
        return out;
    }

    /** @return a measure of how much this schedule does (fewer faults, calmer links: smaller) */
    public double size() {
        double s = faults.size() * 10.0;
        for (Link l : links) {
            s += l.dropRate() + l.duplicateRate() + (l.maxDelayNs() - l.minDelayNs()) / 1e7;
        }
        return s;
    }

    /** @return the schedule in the form {@link #parse} reads: entries separated by "; " */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        links.forEach(l -> parts.add(l.toString()));
        faults.forEach(f -> parts.add(f.toString()));
        return String.join("; ", parts);
    }

    /**
     * Reads a schedule as {@link #toString} prints it.
     *
     * @throws IllegalArgumentException naming the entry that is not understood
     */
    public static FaultSchedule parse(String text) {
        List<Link> links = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        for (String entry : text.split(";")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            try {
                String[] w = e.split(" ");
                if (w[0].equals("link")) {
                    String[] ends = w[1].split(">");
                    String[] delay = value(w[4], "delayUs").split("\\.\\.");
                    links.add(new Link(ends[0], ends[1], Double.parseDouble(value(w[2], "drop")),
                            Double.parseDouble(value(w[3], "dup")), Long.parseLong(delay[0]) * 1000,
                            Long.parseLong(delay[1]) * 1000));
                } else {
                    Kind kind = Kind.valueOf(w[0].toUpperCase(java.util.Locale.ROOT));
                    String[] at = value(w[2], "atMs").split("\\.\\.");
                    String[] who = w[1].split(kind == Kind.PARTITION ? "<>" : ">");
                    faults.add(new Fault(kind, who[0], kind == Kind.CRASH ? "" : who[1],
                            Long.parseLong(at[0]) * 1_000_000, Long.parseLong(at[1]) * 1_000_000));
                }
            } catch (RuntimeException bad) {
                throw new IllegalArgumentException("fault schedule entry not understood: entry='" + e + "'", bad);
            }
        }
        return new FaultSchedule(links, faults);
    }

    private static String value(String word, String name) {
        if (!word.startsWith(name + "=")) {
            throw new IllegalArgumentException("expected " + name + "=..., found " + word);
        }
        return word.substring(name.length() + 1);
    }
}

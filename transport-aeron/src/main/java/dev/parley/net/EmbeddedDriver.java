package dev.parley.net;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * A media driver inside this JVM, set up for a library on a small machine. Made and closed by
 * {@link Node}; any thread may close it.
 *
 * <h2>Implementation note</h2>
 * Settings, and why (measured on a 2-core machine, see docs/NETWORK.md):
 * <ul>
 * <li>a directory of its own, {@code parley-<pid>-<random>} under {@link #baseDirectory()}:
 *     Aeron's dirDeleteOnStart would delete a live driver's files without a check, so two
 *     drivers never share one; it is deleted on shutdown, and at start the directories of
 *     processes that no longer run are swept (a killed JVM leaves about 50 MiB behind);</li>
 * <li>one shared thread for conductor, sender and receiver, idling with a backoff that parks
 *     at most {@value #MAX_PARK_US} us: busy-spinning threads starve each other on 2 cores,
 *     and a 1 ms park makes sparse round trips about 1.5 ms;</li>
 * <li>terms of {@value #TERM_BYTES} bytes (the largest message is a term / 8, 64 KiB) and a
 *     1 MiB counters buffer, so that a driver occupies about 11 MiB of /dev/shm;</li>
 * <li>no async executor thread (asyncExecutorEnabled false).</li>
 * </ul>
 */
final class EmbeddedDriver implements AutoCloseable {

    static final int TERM_BYTES = 512 * 1024;
    static final long MAX_PARK_US = 100;
    private static final String PREFIX = "parley-";

    private final MediaDriver driver;

    private EmbeddedDriver(MediaDriver driver) {
        this.driver = driver;
    }

    /** Sweeps stale directories and starts a driver in a new directory of its own. */
    static EmbeddedDriver start() {
        Path base = baseDirectory();
        sweepDeadProcesses(base);
        String dir = base.resolve(PREFIX + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)).toString();
        MediaDriver.Context ctx = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .dirDeleteOnStart(false)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(idleStrategy())
                .publicationTermBufferLength(TERM_BYTES)
                .ipcTermBufferLength(TERM_BYTES)
                .initialWindowLength(TERM_BYTES / 4)
                .counterValuesBufferLength(1024 * 1024)
                .termBufferSparseFile(true)
                .asyncExecutorEnabled(false)
                .warnIfDirectoryExists(false);
        return new EmbeddedDriver(MediaDriver.launch(ctx));
    }

    /** @return a backoff idle strategy that yields, then parks from 1 us up to the maximum */
    static BackoffIdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(1, 10, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MICROSECONDS.toNanos(MAX_PARK_US));
    }

    /** @return the driver's directory, for the client */
    String directory() {
        return driver.aeronDirectoryName();
    }

    /** @return /dev/shm where it exists (memory, not disk), otherwise the temporary directory */
    static Path baseDirectory() {
        File shm = new File("/dev/shm");
        return shm.isDirectory() && shm.canWrite() ? shm.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Deletes the directories of Parley drivers whose process no longer runs. */
    static void sweepDeadProcesses(Path base) {
        try (Stream<Path> dirs = Files.list(base)) {
            dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX)).filter(EmbeddedDriver::ownerIsDead)
                    .forEach(EmbeddedDriver::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list base=" + base, e);
        }
    }

    private static boolean ownerIsDead(Path dir) {
        String rest = dir.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
            return false;
        }
        try {
            long pid = Long.parseLong(rest.substring(0, dash));
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false; // not one of ours
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a concurrent sweep in another JVM may have deleted it first; nothing to do
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}

package dev.parley.chaos;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.status.SystemCounterDescriptor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * The system counters of a Parley node's embedded Aeron media driver, read from the driver's
 * CnC file while it runs, so that a report can show what the driver did on the wire: status
 * messages and NAKs sent and received, heartbeats, retransmissions. A driver whose loss
 * generators drop control frames counts what it sent before the drop and only what it
 * received after it, so the counts of the two ends of a link show the drops. Stateless; any
 * thread may call it.
 */
final class DriverCounters {
    /** The counters a report shows, in this order. */
    static final List<SystemCounterDescriptor> SHOWN = List.of(SystemCounterDescriptor.STATUS_MESSAGES_SENT,
            SystemCounterDescriptor.STATUS_MESSAGES_RECEIVED, SystemCounterDescriptor.NAK_MESSAGES_SENT,
            SystemCounterDescriptor.NAK_MESSAGES_RECEIVED, SystemCounterDescriptor.HEARTBEATS_SENT,
            SystemCounterDescriptor.HEARTBEATS_RECEIVED, SystemCounterDescriptor.RETRANSMITS_SENT);

    private DriverCounters() {
    }

    /**
     * The shown counters, by label, of the one running Parley driver of process {@code pid}
     * (its directory {@code parley-<pid>-...} in /dev/shm, or the temporary directory where
     * there is no /dev/shm). Throws IllegalStateException if that process has no such
     * directory or several.
     */
    static Map<String, Long> ofProcess(long pid) {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> dirs;
        try (Stream<Path> s = Files.list(base)) {
            dirs = s.filter(d -> d.getFileName().toString().startsWith("parley-" + pid + "-"))
                    .filter(d -> Files.exists(d.resolve(CncFileDescriptor.CNC_FILE))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list base=" + base, e);
        }
        if (dirs.size() != 1) {
            throw new IllegalStateException("expected one Parley driver of pid=" + pid + " in " + base + ": " + dirs);
        }
        return read(dirs.get(0));
    }

    /** The shown counters, by label, of the driver whose directory is {@code aeronDir}. */
    static Map<String, Long> read(Path aeronDir) {
        File cnc = aeronDir.resolve(CncFileDescriptor.CNC_FILE).toFile();
        MappedByteBuffer mapped = IoUtil.mapExistingFile(cnc, FileChannel.MapMode.READ_ONLY, "cnc");
        try {
            UnsafeBuffer meta = CncFileDescriptor.createMetaDataBuffer(mapped);
            CountersReader counters = new CountersReader(CncFileDescriptor.createCountersMetaDataBuffer(mapped, meta),
                    CncFileDescriptor.createCountersValuesBuffer(mapped, meta));
            Map<Integer, Long> byDescriptorId = new LinkedHashMap<>();
            counters.forEach((counterId, typeId, key, label) -> {
                if (typeId == SystemCounterDescriptor.SYSTEM_COUNTER_TYPE_ID) {
                    byDescriptorId.put(key.getInt(0), counters.getCounterValue(counterId));
                }
            });
            Map<String, Long> shown = new LinkedHashMap<>();
            for (SystemCounterDescriptor d : SHOWN) {
                shown.put(d.label(), byDescriptorId.getOrDefault(d.id(), -1L));
            }
            return shown;
        } finally {
            IoUtil.unmap(mapped);
        }
    }
}

package dev.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The state machine (package dev.parley.protocol, not its binding) does no I/O, starts no
 * thread, reads no clock, and uses nothing of the core: checked on its sources.
 */
class PurityTest {

    private static final List<String> FORBIDDEN = List.of("import dev.parley.", "java.net", "java.io", "java.nio.file",
            "java.nio.channels", "Thread", "Executor", "System.nanoTime", "System.currentTimeMillis", "Instant.now",
            "Clock", "synchronized", "System.out", "System.err", "Logger");

    @Test
    void theStateMachineSourcesUseNoIoNoThreadsNoClockAndNoCore() throws IOException {
        Path dir = Path.of("src/main/java/dev/parley/protocol");
        assertTrue(Files.isDirectory(dir), "run from the protocol module's directory: " + dir.toAbsolutePath());
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.list(dir)) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.trim().startsWith("*") || line.trim().startsWith("//")) {
                        continue; // comments may name what the code avoids
                    }
                    for (String word : FORBIDDEN) {
                        if (line.contains(word) && !line.contains("import dev.parley.protocol")) {
                            found.add(p.getFileName() + ":" + (i + 1) + " uses " + word);
                        }
                    }
                }
            }
        }
        assertTrue(files >= 20, "found the sources: files=" + files);
        assertEquals(List.of(), found);
    }
}

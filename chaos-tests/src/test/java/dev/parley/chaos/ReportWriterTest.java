package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path dir;

    /** A history on a fake clock: 1,000 writes of 1 ms, 5 ms during a fault from 400 ms to 600 ms. */
    static ScenarioReport sample() {
        AtomicLong nowNs = new AtomicLong();
        Recorder recorder = new Recorder(nowNs::get);
        Recorder.Fault fault = null;
        for (int i = 0; i < 1_000; i++) {
            if (i == 400) {
                fault = recorder.faultBegins("loss 20% \"upstream\"");
            }
            if (i == 600) {
                fault.end();
            }
            Recorder.Pending p = recorder.begin("writer", "write", Integer.toString(i));
            boolean inFault = i >= 400 && i < 600;
            nowNs.addAndGet(inFault ? 5_000_000 : 1_000_000);
            if (inFault && i % 5 == 0) {
                p.unknown(new IllegalStateException("timed out"));
            } else {
                p.done();
            }
        }
        return new ScenarioReport("sample", 42, Map.of("loss", "0.2"), recorder.operations(), recorder.faults(),
                List.of(), List.of("relay: in=1, out=1"));
    }

    @Test
    void theReportHasOutcomesPercentilesFaultsAndAPlot() throws Exception {
        ScenarioReport r = sample();
        Path md = ReportWriter.write(r, dir);
        String text = Files.readString(md);
        assertTrue(text.contains("Verdict: **pass**"), text);
        assertTrue(text.contains("| write | 1000 | 960 | 0 | 40 | 0 | 0 | 0 | 0 |"), text);
        assertTrue(text.contains("from 400.000 ms to 1400.000 ms"), text);
        assertEquals(960, r.latencyUs("write").getTotalCount());
        assertEquals(1_000, r.latencyUs("write").getValueAtPercentile(50), 1);

        String json = Files.readString(dir.resolve("sample.json"));
        assertTrue(json.contains("\"seed\": 42"), json);
        assertTrue(json.contains("\"write\": {\"count\": 960, \"p50\": 1.000, \"p90\": 5.003, \"p99\": 5.003, "
                + "\"p99.9\": 5.003, \"max\": 5.003}"), json);
        assertTrue(json.contains("\"name\": \"loss 20% \\\"upstream\\\"\""), json);
        assertTrue(json.contains("\"write\": {\"DONE\": 960, \"NOT_DONE\": 0, \"UNKNOWN\": 40, \"UNREACHABLE\": 0, "
                + "\"POISONED\": 0, \"RETIRED\": 0, \"FAILED\": 0}"), json);

        BufferedImage png = ImageIO.read(dir.resolve("sample.png").toFile());
        assertEquals(1_200, png.getWidth());
        assertEquals(720, png.getHeight());
    }

    @Test
    void aScenarioWithAnomaliesFailsAndListsThem() throws Exception {
        ScenarioReport r = new ScenarioReport("bad", 1, Map.of(), List.of(), List.of(),
                List.of("NO_DUPLICATE: w:1 read more than once"), List.of());
        Path md = ReportWriter.write(r, dir);
        assertTrue(Files.readString(md).contains("Verdict: **FAIL**"));
        assertTrue(Files.readString(ReportWriter.writeIndex(List.of(r), dir)).contains("| FAIL |"));
    }

    @Test
    void aNameThatIsNoFileNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ScenarioReport("a/b", 1, Map.of(), List.of(), List.of(), List.of(), List.of()));
        assertTrue(e.getMessage().contains("name=a/b"));
    }
}

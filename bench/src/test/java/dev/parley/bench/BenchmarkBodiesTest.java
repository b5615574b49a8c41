package dev.parley.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each benchmark body, run a few times at a small size, delivers every message exactly once (the
 * checksums match) and ends; the token ring shuts down by poison; bad options are refused. No
 * timing is asserted here: speed is the benchmarks' business. The whole class takes about 2 s.
 */
class BenchmarkBodiesTest {

    private static final int ROUND_TRIPS = 500;
    private static final int RUNS = 3;

    @Test
    void parleyPingPongDeliversEveryMessageOnce() throws Exception {
        for (int run = 0; run < RUNS; run++) {
            assertEquals(PingPong.expectedChecksum(ROUND_TRIPS), PingPong.parley(ROUND_TRIPS));
        }
    }

    @Test
    void baselinePingPongsDeliverEveryMessageOnce() throws Exception {
        for (Link.Kind kind : Link.Kind.values()) {
            for (int run = 0; run < RUNS; run++) {
                assertEquals(PingPong.expectedChecksum(ROUND_TRIPS), PingPong.baseline(kind, ROUND_TRIPS), kind.name());
            }
        }
    }

    @Test
    void parleyCommstimeDeliversEveryNumberToTheConsumerOnce() throws Exception {
        for (int run = 0; run < RUNS; run++) {
            assertEquals(Commstime.expectedChecksum(ROUND_TRIPS), Commstime.parley(ROUND_TRIPS));
        }
    }

    @Test
    void baselineCommstimesDeliverEveryNumberToTheConsumerOnce() throws Exception {
        for (Link.Kind kind : Link.Kind.values()) {
            for (int run = 0; run < RUNS; run++) {
                assertEquals(Commstime.expectedChecksum(ROUND_TRIPS), Commstime.baseline(kind, ROUND_TRIPS),
                        kind.name());
            }
        }
    }

    @Test
    void selectPingPongAnswersEveryRequestOnBothGuards() throws Exception {
        for (int run = 0; run < RUNS; run++) {
            assertEquals(SelectPingPong.expectedChecksum(ROUND_TRIPS), SelectPingPong.parley(ROUND_TRIPS));
        }
    }

    @Test
    void everyJmhBenchmarkMethodReturnsItsShapesChecksum() throws Exception {
        ChannelBenchmarks b = new ChannelBenchmarks();
        long pingPong = PingPong.expectedChecksum(ChannelBenchmarks.ROUND_TRIPS);
        long commstime = Commstime.expectedChecksum(ChannelBenchmarks.CYCLES);
        assertEquals(pingPong, b.pingPongParley());
        assertEquals(pingPong, b.pingPongSynchronousQueue());
        assertEquals(pingPong, b.pingPongExchanger());
        assertEquals(commstime, b.commstimeParley());
        assertEquals(commstime, b.commstimeSynchronousQueue());
        assertEquals(commstime, b.commstimeExchanger());
        assertEquals(pingPong, b.selectPingPongParley());
    }

    @Test
    void tokenRingPassesTheTokenRoundAndEveryProcessEndsByPoison() throws Exception {
        TokenRing.Report report = TokenRing.run(1_000, 2);
        assertEquals(1_000, report.ended());
        assertEquals(2, report.lapNs().size());
        assertTrue(report.heapBlockedBytes() > 0, "heap was read: " + report);
    }

    @Test
    void tokenRingRefusesARingTooSmallToPassAToken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenRing.run(1, 1));
        assertEquals("processes=1 must be at least 2", e.getMessage());
    }

    @Test
    void benchSettingsTakeTheDocumentedOptionsAndNameABadOne() {
        BenchMain.Settings s = BenchMain.Settings.parse("--forks=2", "--carriers=1,2,default", "--only=Parley",
                "--rounds=3");
        assertEquals(2, s.forks());
        assertEquals(3, s.rounds());
        assertEquals(8, s.iterations());
        assertEquals(List.of("1", "2", "default"), s.carriers());
        assertEquals("Parley", s.only());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchMain.Settings.parse("--iterations=0"));
        assertEquals("iterations=0 must be at least 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchMain.Settings.parse("--carriers=one"));
    }

    @Test
    void ratioTableDividesParleyByEachBaselineAtTheSameSetting() {
        RatioTable table = new RatioTable();
        for (double ns : new double[] {290, 300, 310}) {
            table.add("1", "pingPongParley", ns);
        }
        table.add("1", "pingPongSynchronousQueue", 390);
        table.add("1", "pingPongSynchronousQueue", 410);
        table.add("1", "pingPongExchanger", 200);
        String text = table.render();
        assertTrue(text.contains("0.75  met"), text);              // 300 / 400, the median of 390 and 410
        assertTrue(text.contains("1.50"), text);                   // 300 / 200
        assertTrue(text.contains("1.76-1.99"), text);              // 300 / 170 .. 300 / 151
        assertTrue(text.contains("300 [290-310]"), text);
        assertTrue(text.contains("NOT measured in this run"), text);
    }
}

package dev.parley.model.check;

import dev.parley.internal.SeededBug;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * The bug zoo: proves that the checks bite. For every {@link SeededBug}, switches the core into
 * that bug, runs the checks listed for it (cheapest first) through the JUnit launcher, switches
 * the bug off again, and records which check failed. A bug that no check catches fails this test.
 * Runs on the JUnit thread; the checks clean up their own threads.
 *
 * <p>Every listed check runs, so the printed table shows all the checks that catch each bug.
 */
class BugZooTest {

    private static final String LINCHECK = "dev.parley.model.check.";
    /**
     * A check that runs into this limit proves nothing (a slow machine could cause it), so it
     * does not count as catching the bug; a real hang is reported by the check itself first.
     */
    private static final String CHECK_TIMEOUT = "120 s";
    private static final String CONTRACT = "dev.parley.";

    /**
     * The checks that should catch each bug: "Class#method" selectors, the model checks (this
     * package) and the core's contract suites ({@code Local...Test}). Contract tests that catch a
     * bug only by hanging for their 20 s limit are left out to keep the zoo near a minute; they
     * are named in docs/MODEL.md.
     */
    private static final Map<SeededBug, List<String>> CHECKS = new EnumMap<>(SeededBug.class);

    static {
        catches(SeededBug.WRITE_RETURNS_BEFORE_READER_TOOK,
                "ChannelModelCheckTest#aRendezvousWriteReturnsOnlyAfterAReaderHasStartedToRead",
                "LocalTrafficTest#aRendezvousWriteReturnsOnlyAfterAReaderHasTakenTheMessage");
        catches(SeededBug.LOST_WAKEUP,
                "RealClockChecksTest#aReaderBlockedOnARendezvousIsWokenByTheWriterThatServesIt");
        catches(SeededBug.POISON_DOES_NOT_WAKE_READER,
                "TerminationModelCheckTest#poisonAfterAWriteWakesTheReaderWaitingForTheNextMessage");
        catches(SeededBug.ALTERNATION_COMMITS_TWO_GUARDS,
                "AlternationModelCheckTest#anAlternationFiresExactlyOneOfTwoReadyInputsAndLeavesTheOther");
        catches(SeededBug.WITHDRAWN_OFFER_MATCHED,
                "TimedModelCheckTest#aReadWithdrawnByAnInterruptTakesNothingSoTheNextReadGetsTheMessage",
                "RealClockChecksTest#timedWritesAndReadsRacingWithTheirDeadlinesAgreeOnEveryExchange");
        catches(SeededBug.WAITING_PARTIES_LIFO,
                "LocalTrafficTest#waitingReadersAreServedOldestFirst",
                "LocalTrafficTest#waitingWritersAreServedOldestFirst(int)");
        catches(SeededBug.BUFFER_LIFO,
                "ChannelModelCheckTest#aBufferOfTwoKeepsOrderAndHoldsTheThirdWriteUntilARead",
                "LocalTrafficTest#oneWriterToOneReaderDeliversEveryMessageInOrder(int)");
        catches(SeededBug.BUFFER_CAPACITY_OFF_BY_ONE,
                "RealClockChecksTest#aBufferWithoutReadersAcceptsExactlyItsCapacity",
                "ChannelModelCheckTest#aBufferOfOneKeepsOrderAndHoldsTheSecondWriteUntilARead");
        catches(SeededBug.RETIRE_COUNTED_PER_CHANNEL,
                "TerminationModelCheckTest#retireIsCountedPerEndSoTheLastWriterStillDelivers",
                "LocalRetirePoisonTest#anEndThatHasRetiredThrowsAtOnceWhileOtherEndsKeepTheChannelAlive");
        catches(SeededBug.TIMEOUT_FIRES_EARLY,
                "RealClockChecksTest#aTimeoutGuardAloneFiresNotBeforeItsDelay",
                "LocalAlternationTest#aTimeoutGuardFiresAfterItsDelayAndNotBefore");
        catches(SeededBug.FAIR_SELECT_STARVES_GUARD,
                "AlternationModelCheckTest#fairSelectAlternatesBetweenTwoAlwaysReadyGuardsWhileAWriterRefills",
                "LocalAlternationTest#fairSelectOverAlwaysReadyInputsNeverChoosesOneTwiceWhileAnotherWaits");
        catches(SeededBug.PRI_SELECT_IGNORES_ORDER,
                "AlternationModelCheckTest#priSelectChoosesTheFirstGuardReadyAtTheMomentOfSelection",
                "LocalAlternationTest#priSelectPrefersTheEarlierOfTwoReadyGuardsAndASkipGuardFirstTouchesNothing");
        catches(SeededBug.READER_POISON_KEEPS_BUFFER,
                "TerminationModelCheckTest#readerPoisonDiscardsTheBufferForEveryReader",
                "LocalRetirePoisonTest#readerPoisonDiscardsTheBufferAtOnce(int)");
        catches(SeededBug.TIMED_WRITE_FALSE_BUT_DELIVERED,
                "TimedModelCheckTest#aZeroTimeoutWriteThatReportsFalseDeliveredNothing",
                "LocalTimedAndInterruptTest#aZeroTimeoutWriteCompletesWithAReaderAlreadyWaiting");
    }

    private static void catches(SeededBug bug, String... checks) {
        CHECKS.put(bug, List.of(checks));
    }

    @Test
    @Timeout(1800)
    void everySeededBugIsCaughtByAtLeastOneCheck() {
        Map<SeededBug, List<String>> caughtBy = new LinkedHashMap<>();
        List<SeededBug> missed = new ArrayList<>();
        for (SeededBug bug : SeededBug.values()) {
            if (bug == SeededBug.NONE) {
                continue;
            }
            List<String> checks = CHECKS.get(bug);
            if (checks == null) {
                missed.add(bug);
                continue;
            }
            List<String> caught = new ArrayList<>();
            for (String check : checks) {
                if (catchesWith(bug, check)) {
                    caught.add(check);
                }
            }
            caughtBy.put(bug, caught);
            if (caught.isEmpty()) {
                missed.add(bug);
            }
        }
        System.out.println(table(caughtBy));
        if (!missed.isEmpty()) {
            throw new AssertionError("seeded bugs that no check caught: " + missed + "\n" + table(caughtBy));
        }
    }

    /** @return true if {@code check} fails while {@code bug} is switched on */
    private static boolean catchesWith(SeededBug bug, String check) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(qualified(check)))
                .configurationParameter("junit.jupiter.execution.timeout.default", CHECK_TIMEOUT)
                .build();
        AtomicInteger tests = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    tests.incrementAndGet();
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        firstFailure.compareAndSet(null, result.getThrowable().orElse(new AssertionError("failed")));
                    }
                }
            }
        };
        long startNs = System.nanoTime();
        SeededBug.active = bug;
        try {
            LauncherFactory.create().execute(request, listener);
        } finally {
            SeededBug.active = SeededBug.NONE;
        }
        long ms = (System.nanoTime() - startNs) / 1_000_000;
        if (tests.get() == 0) {
            throw new IllegalStateException("check=" + check + " selects no test");
        }
        Throwable failure = firstFailure.get();
        if (failure instanceof java.util.concurrent.TimeoutException) {
            System.out.println("bug=" + bug + " check=" + check + " ran out of time (does not count), ms=" + ms);
            return false;
        }
        if (failure != null) {
            System.out.println("bug=" + bug + " caught by check=" + check + " in ms=" + ms + ": " + firstLine(failure));
        } else {
            System.out.println("bug=" + bug + " NOT caught by check=" + check + " in ms=" + ms);
        }
        return failure != null;
    }

    private static String qualified(String check) {
        String prefix = check.startsWith("Local") ? CONTRACT : LINCHECK;
        return prefix + check;
    }

    private static String firstLine(Throwable failure) {
        String text = String.valueOf(failure.getMessage()).strip();
        int newline = text.indexOf('\n');
        return failure.getClass().getSimpleName() + " " + (newline < 0 ? text : text.substring(0, newline));
    }

    private static String table(Map<SeededBug, List<String>> caughtBy) {
        StringBuilder text = new StringBuilder("| seeded bug | caught by |\n|---|---|\n");
        caughtBy.forEach((bug, checks) -> text.append("| ").append(bug).append(" | ")
                .append(checks.isEmpty() ? "NOTHING" : String.join(", ", checks)).append(" |\n"));
        return text.toString();
    }
}

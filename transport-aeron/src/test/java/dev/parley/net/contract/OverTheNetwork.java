package dev.parley.net.contract;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes the shared nodes of {@link RemoteKind} after the run, and skips, with the reason
 * shown in the report, the contract tests that do not carry over to
 * remote ends, or that hang on a known gap of the binding. JUnit calls it on its own thread.
 */
public final class OverTheNetwork implements ExecutionCondition, BeforeAllCallback {

    private static final ExtensionContext.Namespace NODES = ExtensionContext.Namespace.create(OverTheNetwork.class);

    /** Registers, once per run, the closing of the shared nodes when the run ends. */
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NODES).getOrComputeIfAbsent("nodes",
                k -> (ExtensionContext.Store.CloseableResource) RemoteKind::closeAll);
    }

    private static final String ZERO_TO_REMOTE_READER = "a remote reader decides its read, so a local write with "
            + "a zero timeout cannot learn in time whether the reader took it";

    /** Exclusions when the readers are remote and the writers local: test method name to reason. */
    static final Map<String, String> EXCLUDED_READER_REMOTE_WRITER_LOCAL = Map.of(
            "aZeroTimeoutWriteCompletesWithAReaderAlreadyWaiting", ZERO_TO_REMOTE_READER);

    /** Exclusions when the readers are remote: test method name to reason. */
    static final Map<String, String> EXCLUDED_READER_REMOTE = Map.of();

    private static final String AHEAD_VISIBLE_LATER = "a write ahead returns before its home has stored it, and the "
            + "home's readers see it one network latency later (NodeConfig.withWriteAhead), while this test selects "
            + "at the home at once and expects the message there";

    /**
     * Exclusions when the writers write ahead: test method name to reason. What they check is
     * what writing ahead gives up, by design; every other contract test runs.
     */
    static final Map<String, String> EXCLUDED_WRITE_AHEAD = Map.of(
            "priSelectWithAReadyInputBeforeASkipGuardAlwaysTakesTheInput", AHEAD_VISIBLE_LATER,
            "priSelectPrefersTheEarlierOfTwoReadyGuardsAndASkipGuardFirstTouchesNothing", AHEAD_VISIBLE_LATER,
            "aSupplierPreconditionIsEvaluatedAtEachSelection", AHEAD_VISIBLE_LATER,
            "fairSelectOverAlwaysReadyInputsNeverChoosesOneTwiceWhileAnotherWaits", AHEAD_VISIBLE_LATER,
            "theChannelRetiresWhenItsLastReaderRetiresAndNotBefore", "a writer that holds reserved slots learns "
                    + "that the home's readers retired one network latency later (NodeConfig.withWriteAhead): a "
                    + "write ahead made meanwhile returns, and its message is discarded with the buffer, while this "
                    + "test writes at once after the retire and expects RetiredException");

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String suite = context.getRequiredTestClass().getSimpleName();
        if (suite.startsWith("WriteAhead")) {
            return context.getTestMethod().map(m -> EXCLUDED_WRITE_AHEAD.get(m.getName()))
                    .map(r -> ConditionEvaluationResult.disabled("not when writing ahead: " + r))
                    .orElse(ConditionEvaluationResult.enabled("carries over to writes ahead"));
        }
        boolean writersLocal = suite.startsWith("RemoteReader");
        boolean readersRemote = writersLocal || suite.startsWith("BothRemote");
        Optional<String> reason = context.getTestMethod().map(m -> {
            String name = m.getName();
            String why = readersRemote ? EXCLUDED_READER_REMOTE.get(name) : null;
            return why == null && writersLocal ? EXCLUDED_READER_REMOTE_WRITER_LOCAL.get(name) : why;
        });
        return reason.map(r -> ConditionEvaluationResult.disabled("not over the network: " + r))
                .orElse(ConditionEvaluationResult.enabled("carries over to remote ends"));
    }
}

package dev.parley;

import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Runs one process body on the current thread and applies the end-of-process rules of the
 * contract: poison escaping poisons the owned ends, retire escaping retires them (both count as a
 * normal end), any other failure poisons them and is handed back to be rethrown.
 */
final class ProcessRunner {

    /** Virtual threads named after their process number, the default for every process. */
    static final ThreadFactory DEFAULT_THREADS = Thread.ofVirtual().name("parley-process-", 0).factory();

    private ProcessRunner() {
    }

    /**
     * @param process the process to run here
     * @return null when the process ended normally (by return, poison or retire), otherwise what it threw
     */
    static Throwable run(CSProcess process) {
        return run(process, failure -> { });
    }

    /**
     * @param process the process to run here
     * @param record told of a failure before the process's ends are poisoned, so that a failure
     *     the poison causes in a neighbour is always recorded after the one that caused it
     * @return null when the process ended normally (by return, poison or retire), otherwise what it threw
     */
    static Throwable run(CSProcess process, Consumer<Throwable> record) {
        try {
            process.run();
            return null;
        } catch (PoisonException e) {
            return recorded(poisonEnds(process, null), record);
        } catch (RetiredException e) {
            return recorded(endEvery(process, false, null), record);
        } catch (Throwable failure) {
            record.accept(failure);
            return poisonEnds(process, failure);
        }
    }

    private static Throwable recorded(Throwable failure, Consumer<Throwable> record) {
        if (failure != null) {
            record.accept(failure);
        }
        return failure;
    }

    /** Poisons every end the process owns; returns {@code failure}, or a failure of the search or of a poison. */
    static Throwable poisonEnds(CSProcess process, Throwable failure) {
        return endEvery(process, true, failure);
    }

    /**
     * Poisons or retires every end the process owns, going on past an end that fails (a remote
     * end whose home is unreachable), so that every other end is still reached.
     *
     * @return {@code failure}, or if it is null the first failure of the search or of an end,
     *     with the later ones suppressed in it
     */
    private static Throwable endEvery(CSProcess process, boolean poison, Throwable failure) {
        Throwable result = failure;
        try {
            for (ChannelEnd end : OwnedEnds.of(process)) {
                try {
                    if (poison) {
                        end.poison();
                    } else {
                        end.retire();
                    }
                } catch (RuntimeException | Error endFailed) {
                    result = withSuppressed(result, endFailed);
                }
            }
        } catch (RuntimeException | Error searchFailed) {
            result = withSuppressed(result, searchFailed);
        }
        return result;
    }

    private static Throwable withSuppressed(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Rethrows {@code failure} as it is: checked exceptions unchanged, through {@code throws Exception}. */
    static void rethrow(Throwable failure) throws Exception {
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("process failed with a non-standard throwable", failure);
    }
}

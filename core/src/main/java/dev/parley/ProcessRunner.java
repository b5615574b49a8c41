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
            try {
                for (ChannelEnd end : OwnedEnds.of(process)) {
                    end.retire();
                }
                return null;
            } catch (RuntimeException | Error searchFailed) {
                return recorded(searchFailed, record);
            }
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

    /** Poisons every end the process owns; returns {@code failure}, or a failure of the search itself. */
    static Throwable poisonEnds(CSProcess process, Throwable failure) {
        try {
            for (ChannelEnd end : OwnedEnds.of(process)) {
                end.poison();
            }
        } catch (RuntimeException | Error searchFailed) {
            if (failure == null) {
                return searchFailed;
            }
            failure.addSuppressed(searchFailed);
        }
        return failure;
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

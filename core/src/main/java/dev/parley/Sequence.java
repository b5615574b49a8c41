package dev.parley;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Runs processes one after another on the calling thread. A process that ends by poison or
 * retire counts as ended normally, and the next one runs. When one fails, its ends and the ends of
 * the processes that will now never run are poisoned, and the failure is rethrown.
 */
public final class Sequence {

    private Sequence() {
    }

    /**
     * @param processes the processes to run, in order
     * @throws Exception the failure of a process; the processes after it do not run
     */
    public static void run(CSProcess... processes) throws Exception {
        run(Arrays.asList(processes));
    }

    /**
     * @param processes the processes to run, in order
     * @throws Exception the failure of a process; the processes after it do not run
     */
    public static void run(List<? extends CSProcess> processes) throws Exception {
        Objects.requireNonNull(processes, "processes");
        List<CSProcess> copy = List.copyOf(processes);
        for (int i = 0; i < copy.size(); i++) {
            Throwable failure = ProcessRunner.run(copy.get(i));
            if (failure != null) {
                for (CSProcess never : copy.subList(i + 1, copy.size())) {
                    ProcessRunner.poisonEnds(never, null);
                }
                ProcessRunner.rethrow(failure);
            }
        }
    }
}

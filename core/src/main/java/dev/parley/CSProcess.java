package dev.parley;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A process: a sequential piece of work that talks to other processes only over channels.
 *
 * <p>A process is run by {@link Parallel}, {@link Sequence} or {@link Spawn}, by default on a
 * virtual thread of its own. It <em>owns</em> the channel ends it was given: for a {@code record}
 * process these are found among its components (also inside arrays, collections, map values and
 * nested records); a lambda names its ends with {@link #owning(CSProcess, Object...)}. When a
 * {@link PoisonException} escapes the process, every end it owns is poisoned; when a
 * {@link RetiredException} escapes, every end it owns is retired; both count as a normal end. Any
 * other exception poisons the owned ends and is rethrown by whoever runs the process.
 */
@FunctionalInterface
public interface CSProcess {

    /**
     * The body of the process, run once on the thread given to it.
     *
     * @throws Exception anything the body throws; see the class comment for what happens then
     */
    void run() throws Exception;

    /**
     * Makes a process of a lambda that names the channel ends it owns, so that poison and retire
     * propagate through them as they do through a record's components.
     *
     * @param body the work to do
     * @param ends the ends owned, or arrays, collections or maps of them
     * @return a process that runs {@code body} and owns {@code ends}
     */
    static CSProcess owning(CSProcess body, Object... ends) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(ends, "ends");
        return new Owning(body, List.copyOf(Arrays.asList(ends)));
    }

    /** A lambda process together with the ends it owns; its components are what the runner searches. */
    record Owning(CSProcess body, List<Object> ends) implements CSProcess {
        @Override
        public void run() throws Exception {
            body.run();
        }
    }
}

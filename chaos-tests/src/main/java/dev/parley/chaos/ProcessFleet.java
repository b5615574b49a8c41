package dev.parley.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVMs of one scenario: {@link #close()} kills every one still alive, so a scenario
 * in try-with-resources leaves none behind even when it fails (and a shutdown hook covers a
 * JVM that exits without closing). Used by the scenario's thread only.
 */
public final class ProcessFleet implements AutoCloseable {
    private final Path logDir;
    private final List<NodeProcess> nodes = new ArrayList<>();

    public ProcessFleet(Path logDir) {
        this.logDir = logDir;
    }

    /** Starts a child JVM running {@code mainClass}; see {@link NodeProcess#start}. */
    public NodeProcess start(String name, Class<?> mainClass, String... args) {
        return start(name, mainClass, List.of(), args);
    }

    /** Starts a child JVM running {@code mainClass} with extra JVM options (such as -D properties). */
    public NodeProcess start(String name, Class<?> mainClass, List<String> jvmOptions, String... args) {
        NodeProcess node = NodeProcess.start(name, mainClass.getName(), List.of(args), logDir, jvmOptions);
        nodes.add(node);
        return node;
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (NodeProcess n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

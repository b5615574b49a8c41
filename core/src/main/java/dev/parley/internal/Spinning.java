package dev.parley.internal;

/**
 * Where the core may spin briefly instead of parking a virtual thread: only where a spin can win,
 * that is with more than one processor and more than one carrier of the virtual-thread
 * scheduler, so that the partner a spinner waits for can run meanwhile. Read once, when the core
 * is loaded.
 */
public final class Spinning {

    /** True where a spin can win: more than one processor, and more than one carrier. */
    public static final boolean ALLOWED = Runtime.getRuntime().availableProcessors() > 1 && carriers() > 1;

    private Spinning() {
    }

    /** @return true if the calling thread may spin: spinning is allowed and the thread is virtual */
    public static boolean maySpin() {
        return ALLOWED && Thread.currentThread().isVirtual();
    }

    /** @return the virtual-thread scheduler's parallelism, as the JDK reads it, or the processors */
    private static int carriers() {
        int processors = Runtime.getRuntime().availableProcessors();
        String parallelism = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        if (parallelism == null) {
            return processors;
        }
        try {
            return Integer.parseInt(parallelism.trim());
        } catch (NumberFormatException e) {
            return processors;
        }
    }
}

package dev.parley.chaos;

import java.io.IOException;

/**
 * For a child JVM's main method: exits the child (status 3) when its standard input reaches
 * end of file, which happens when the parent closes the pipe or dies, even by SIGKILL. Call
 * once from the child's main thread; the watch runs on a daemon thread blocked in a read.
 */
public final class ParentWatch {
    private ParentWatch() {
    }

    public static void exitWhenParentGoes() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; any byte is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the parent has gone, as EOF does
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}

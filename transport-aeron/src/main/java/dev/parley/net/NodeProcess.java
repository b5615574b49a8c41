package dev.parley.net;

/**
 * The body of a process that runs in a JVM of its own, on a {@link Node} started there at
 * the address its parent chose (see {@link JvmProcess}), as PyCSP's
 * {@code @multiprocess(pycsp_host, pycsp_port)} does. Implementations need a public no-argument
 * constructor; {@link #run} is called once, on the child JVM's main thread.
 */
@FunctionalInterface
public interface NodeProcess {

    /**
     * @param node the child's node, bound at the parent's chosen address; closed after this returns
     * @param args the arguments the parent gave
     * @throws Exception anything; it makes the parent's {@link JvmProcess#run} fail (poison and
     *     retire count as a normal end)
     */
    void run(Node node, String[] args) throws Exception;
}

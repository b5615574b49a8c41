package dev.parley.bench;

import java.util.concurrent.Exchanger;
import java.util.concurrent.SynchronousQueue;

/**
 * A one-way rendezvous between two threads, built on a {@code java.util.concurrent} primitive:
 * what the baselines use where Parley uses a channel. One sender thread and one receiver thread
 * use a link; both calls block until the partner arrives (they park, so a virtual thread gives
 * its carrier back), and an interrupt ends them with {@link InterruptedException}.
 *
 * <p>Each benchmark fork loads only one implementation, so the calls through this interface are
 * monomorphic and the JIT inlines them: the baselines pay nothing for sharing their code.
 */
interface Link {

    /** Hands {@code message} over, returning once the receiver has it. */
    void send(Integer message) throws InterruptedException;

    /** Takes the next message, waiting for the sender. */
    Integer receive() throws InterruptedException;

    /** The kinds of link, each making a fresh one. */
    enum Kind {
        SYNCHRONOUS_QUEUE {
            @Override
            Link create() {
                SynchronousQueue<Integer> queue = new SynchronousQueue<>();
                return new Link() {
                    @Override
                    public void send(Integer message) throws InterruptedException {
                        queue.put(message);
                    }

                    @Override
                    public Integer receive() throws InterruptedException {
                        return queue.take();
                    }
                };
            }
        },
        /** One-way use of an exchanger: the sender gives its message, the receiver gives null. */
        EXCHANGER {
            @Override
            Link create() {
                Exchanger<Integer> exchanger = new Exchanger<>();
                return new Link() {
                    @Override
                    public void send(Integer message) throws InterruptedException {
                        exchanger.exchange(message);
                    }

                    @Override
                    public Integer receive() throws InterruptedException {
                        return exchanger.exchange(null);
                    }
                };
            }
        };

        /** @return a new link of this kind, between no threads yet */
        abstract Link create();
    }
}

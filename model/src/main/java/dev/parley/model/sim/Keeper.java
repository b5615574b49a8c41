package dev.parley.model.sim;

import dev.parley.model.sim.Workload.Chan;

/**
 * Holds a writer end of its node's channel and retires it once every writer has finished.
 * Only the simulator's thread uses it.
 */
final class Keeper extends SimProcess {
    private final Chan c;
    private final HomeChannel channel;
    private final Object end;

    Keeper(Workload load, SimNode node, Chan c, HomeChannel channel, Object end) {
        super(load, node, "keeper(" + c.name() + ")", null);
        this.c = c;
        this.channel = channel;
        this.end = end;
    }

    @Override
    void start() {
        if (load.writersDone(c)) {
            channel.retireEnd(end);
            finish();
        } else {
            later(20_000_000L, this::start);
        }
    }
}

package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.Workload.Chan;

/**
 * Reads its own node's channel until it is poisoned or retired. Only the simulator's thread
 * uses it.
 */
final class LocalReader extends SimProcess {
    private final Chan c;

    LocalReader(Workload load, SimNode node, Chan c) {
        super(load, node, "lr(" + c.name() + ")", null);
        this.c = c;
    }

    @Override
    void start() {
        later(think(10), () -> localOp(c, null, History.NO_DEADLINE, (ending, v) -> {
            if (ending == Ending.POISONED || ending == Ending.RETIRED) {
                finish();
            } else {
                start();
            }
        }));
    }
}

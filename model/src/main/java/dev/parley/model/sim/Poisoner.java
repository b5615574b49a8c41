package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.Workload.Chan;
import dev.parley.protocol.Outcome;

/**
 * Poisons a channel hosted elsewhere, through a fresh remote end, once every writer has
 * finished; a buffered one under {@link Workload#POISON_BUFFERED} first while they still write.
 * It checks poison-applied: a poison that ended DONE found its home channel poisoned, unless
 * that home incarnation has crashed since. Only the simulator's thread uses it.
 */
final class Poisoner extends RemoteProcess {
    private final Chan c;
    private boolean midRun; // the poison while the writers still write is made or scheduled
    private SimNode poisoned; // the home incarnation that a poison of this process reached

    Poisoner(Workload load, SimNode node, Chan c) {
        super(load, node, "poisoner(" + c.name() + ")", null);
        this.c = c;
    }

    @Override
    void start() {
        if (c.capacity() > 0 && !midRun) {
            midRun = true;
            later(200_000_000L + think(1000), () -> poison(false));
            return;
        }
        if (!load.writersDone(c)) {
            later(20_000_000L, this::start);
            return;
        }
        if (poisoned != null && poisoned == sim.node(c.home()) && poisoned.alive) {
            finish(); // the home's last incarnation is poisoned already
            return;
        }
        poison(true);
    }

    private void poison(boolean last) {
        connect(c, true, end -> {
            SimNode home = sim.node(c.home()); // the incarnation that gets the end, if it lives on
            node.endAction(end, false, outcome -> {
                boolean sameHome = home.alive && sim.node(c.home()) == home;
                if (outcome == Outcome.DONE && sameHome && home.channel(c.name()).terminated != Ending.POISONED) {
                    sim.violation("poison-applied", name + "'s poison of " + c.name() + " ended DONE at "
                            + sim.nowNs() + " while its home channel is not poisoned");
                }
                if (outcome == Outcome.DONE && sameHome) {
                    poisoned = home;
                }
                if (!over) {
                    retire(end);
                    if (last) {
                        finish();
                    } else {
                        start();
                    }
                }
            });
        });
    }
}

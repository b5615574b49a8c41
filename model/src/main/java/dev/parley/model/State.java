package dev.parley.model;

import dev.parley.model.Outcome.Result;
import dev.parley.model.Program.End;
import dev.parley.model.Program.Guard;
import dev.parley.model.Program.Side;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One state of the model: each process's program counter, phase and results so far, each
 * channel's buffer and poison, the retired ends, and the ledger of messages (where every
 * message that was ever sent is now). Immutable and compared by value, so that exploration can
 * tell states apart; any thread. States are made by {@link Model}; tests may build broken ones
 * by hand to show that {@link Invariants} catch them.
 *
 * @param processes one per process
 * @param channels one per channel
 * @param retired the ends that have retired
 * @param delivered every message a reader has taken, with who took it
 * @param discarded every message thrown away with the buffer when a reader poisoned
 */
public record State(List<Proc> processes, List<Chan> channels, Set<End> retired,
                    Set<Delivery> delivered, Set<Msg> discarded) {

    public State {
        processes = List.copyOf(processes);
        channels = List.copyOf(channels);
        retired = Set.copyOf(retired);
        delivered = Set.copyOf(delivered);
        discarded = Set.copyOf(discarded);
    }

    /** Where a process is. Only the model moves a process from one phase to the next. */
    public enum Phase {
        /** Its operation at {@code pc} has not started. */
        READY,
        /** Its operation at {@code pc} has started and found nothing ready: its offer is enrolled. */
        WAITING,
        /** A poison or retire escaped it; it still has to signal the ends in {@code toSignal}. */
        STOPPING,
        /** All operations completed. */
        FINISHED,
        /** A poison or retire escaped it and all its ends have been signalled. */
        STOPPED
    }

    /**
     * How a channel, seen from one end, stands at the moment of a communication: {@code NONE}
     * (alive), {@code DRAINING} (ended, but readers may still take what is buffered: a writer
     * poisoned or all writers retired) or {@code CLOSED} (nothing may pass).
     */
    public enum Termination { NONE, DRAINING, CLOSED }

    /**
     * One process.
     *
     * @param pc the index of its current operation
     * @param phase where it is
     * @param results one per completed operation
     * @param lastFair for each alternation (its guard list) the guard its last fair selection chose
     * @param toSignal while stopping, the ends still to poison or retire
     */
    public record Proc(int pc, Phase phase, List<Result> results, Map<List<Guard>, Integer> lastFair,
                       Set<End> toSignal) {
        public Proc {
            results = List.copyOf(results);
            lastFair = Map.copyOf(lastFair);
            toSignal = Set.copyOf(toSignal);
        }

        Proc advance(Result result, boolean last) {
            return new Proc(pc + 1, last ? Phase.FINISHED : Phase.READY, append(result), lastFair, toSignal);
        }

        Proc stop(Result result, Set<End> ends) {
            return new Proc(pc, ends.isEmpty() ? Phase.STOPPED : Phase.STOPPING, append(result), lastFair, ends);
        }

        Proc withPhase(Phase next) {
            return new Proc(pc, next, results, lastFair, toSignal);
        }

        Proc signalled(End end) {
            Set<End> left = new HashSet<>(toSignal);
            left.remove(end);
            return new Proc(pc, left.isEmpty() ? Phase.STOPPED : Phase.STOPPING, results, lastFair, left);
        }

        Proc chose(List<Guard> alternation, int guard) {
            Map<List<Guard>, Integer> next = new java.util.HashMap<>(lastFair);
            next.put(alternation, guard);
            return new Proc(pc, phase, results, next, toSignal);
        }

        private List<Result> append(Result result) {
            List<Result> next = new ArrayList<>(results);
            next.add(result);
            return next;
        }
    }

    /**
     * One channel.
     *
     * @param buffer the buffered messages, oldest first (always empty for rendezvous)
     * @param poisonedBy the side of the end that poisoned it first, or null while not poisoned
     */
    public record Chan(List<Msg> buffer, Side poisonedBy) {
        public Chan {
            buffer = List.copyOf(buffer);
        }
    }

    /**
     * A message, named by the operation that sent it.
     *
     * @param channel where it was sent
     * @param value the message
     * @param process the sending process
     * @param op the index of the sending operation in that process
     * @param atSend how the channel stood, seen from the sender's end, when it was sent
     */
    public record Msg(int channel, int value, int process, int op, Termination atSend) {}

    /**
     * A message taken by a reader.
     *
     * @param msg the message
     * @param process the reading process
     * @param op the index of the reading operation in that process
     * @param fromBuffer whether it was taken from a buffer (rather than handed over in a rendezvous)
     * @param atTake how the channel stood, seen from the reader's end, when it was taken
     */
    public record Delivery(Msg msg, int process, int op, boolean fromBuffer, Termination atTake) {}

    State with(int process, Proc proc) {
        List<Proc> next = new ArrayList<>(processes);
        next.set(process, proc);
        return new State(next, channels, retired, delivered, discarded);
    }

    State with(int channel, Chan chan) {
        List<Chan> next = new ArrayList<>(channels);
        next.set(channel, chan);
        return new State(processes, next, retired, delivered, discarded);
    }

    State withRetired(End end) {
        Set<End> next = new HashSet<>(retired);
        next.add(end);
        return new State(processes, channels, next, delivered, discarded);
    }

    State withDelivery(Delivery delivery) {
        Set<Delivery> next = new HashSet<>(delivered);
        next.add(delivery);
        return new State(processes, channels, retired, next, discarded);
    }

    State withDiscarded(List<Msg> msgs) {
        Set<Msg> next = new HashSet<>(discarded);
        next.addAll(msgs);
        return new State(processes, channels, retired, delivered, next);
    }
}

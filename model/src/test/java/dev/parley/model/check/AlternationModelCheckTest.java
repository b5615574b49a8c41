package dev.parley.model.check;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.PoisonException;
import dev.parley.Selected;
import dev.parley.SkipGuard;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.parley.model.check.Scenarios.check;
import static dev.parley.model.check.Scenarios.explore;
import static dev.parley.model.check.Scenarios.parallel;

/** Alternation under Lincheck's model checker: every guard kind, the three orders, poison. */
class AlternationModelCheckTest {

    private static final int INVOCATIONS = 60;

    @Test
    void anAlternationFiresExactlyOneOfTwoReadyInputsAndLeavesTheOther() {
        explore(INVOCATIONS, () -> {
            Channel<String> c1 = Channel.create();
            Channel<String> c2 = Channel.create();
            ChannelOutput<String> out1 = c1.writer();
            ChannelOutput<String> out2 = c2.writer();
            ChannelInput<String> in1 = c1.reader();
            ChannelInput<String> in2 = c2.reader();
            Alternation alt = new Alternation(new InputGuard<>(in1), new InputGuard<>(in2));
            Object[] got = new Object[3];
            parallel(() -> out1.write("a"), () -> out2.write("b"), () -> {
                Selected s = alt.select();
                got[0] = s.index();
                got[1] = s.value();
                got[2] = s.index() == 0 ? in2.read() : in1.read();
            });
            String expected = (int) got[0] == 0 ? "a" : "b";
            check(expected.equals(got[1]), "the guard that fired carries its channel's message", "got", List.of(got));
            check(!got[1].equals(got[2]), "the other message is still there to read", "got", List.of(got));
        });
    }

    @Test
    void outputGuardsAgainstInputGuardsOnTheSameChannelsMatchWithoutDeadlockOrLoss() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c1 = Channel.create();
            Channel<Integer> c2 = Channel.create();
            Alternation writers = new Alternation(new OutputGuard<>(c1.writer(), 1), new OutputGuard<>(c2.writer(), 2));
            Alternation readers = new Alternation(new InputGuard<>(c1.reader()), new InputGuard<>(c2.reader()));
            Selected[] chosen = new Selected[2];
            parallel(() -> chosen[0] = writers.select(), () -> chosen[1] = readers.priSelect());
            check(chosen[0].index() == chosen[1].index(), "both sides fire the same channel",
                    "writer", chosen[0].index(), "reader", chosen[1].index());
            check(Integer.valueOf(chosen[0].index() + 1).equals(chosen[1].value()), "the value written is read",
                    "writer", chosen[0].index(), "read", chosen[1].value());
        });
    }

    @Test
    void priSelectChoosesTheFirstGuardReadyAtTheMomentOfSelection() {
        explore(INVOCATIONS, () -> {
            Channel<String> first = Channel.buffered(1);
            Channel<String> second = Channel.buffered(1);
            first.writer().write("x");
            second.writer().write("y");
            ChannelInput<String> secondIn = second.reader();
            Alternation alt = new Alternation(new InputGuard<>(first.reader()), new InputGuard<>(second.reader()),
                    new SkipGuard());
            Selected[] chosen = new Selected[1];
            parallel(() -> chosen[0] = alt.priSelect(), () -> secondIn.read(java.time.Duration.ZERO));
            check(chosen[0].index() == 0 && "x".equals(chosen[0].value()), "priSelect fires the first ready guard",
                    "index", chosen[0].index(), "value", chosen[0].value());
        });
    }

    @Test
    void aSkipGuardFiresOnlyWhenTheInputBeforeItIsNotReadyAndNothingIsLost() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            Alternation alt = new Alternation(new InputGuard<>(in), new SkipGuard());
            Object[] got = new Object[2];
            parallel(() -> out.write(9), () -> {
                Selected s = alt.priSelect();
                got[0] = s.index();
                got[1] = s.index() == 0 ? s.value() : in.read();
            });
            check(Integer.valueOf(9).equals(got[1]), "the message is received once, by the guard or after the skip",
                    "got", List.of(got));
        });
    }

    @Test
    void aFalsePreconditionKeepsAReadyGuardFromFiring() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> ready = Channel.buffered(1);
            ready.writer().write(1);
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            Alternation alt = new Alternation(new InputGuard<>(ready.reader(), false), new InputGuard<>(c.reader()));
            Selected[] chosen = new Selected[1];
            parallel(() -> out.write(2), () -> chosen[0] = alt.select());
            check(chosen[0].index() == 1 && Integer.valueOf(2).equals(chosen[0].value()),
                    "only the enabled guard fires", "index", chosen[0].index(), "value", chosen[0].value());
        });
    }

    @Test
    void fairSelectAlternatesBetweenTwoAlwaysReadyGuardsWhileAWriterRefills() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> a = Channel.buffered(2);
            Channel<Integer> b = Channel.buffered(2);
            ChannelOutput<Integer> aOut = a.writer();
            ChannelOutput<Integer> bOut = b.writer();
            aOut.write(1);
            bOut.write(1);
            Alternation alt = new Alternation(new InputGuard<>(a.reader()), new InputGuard<>(b.reader()));
            int[] chosen = new int[2];
            parallel(() -> {
                aOut.write(2);
                bOut.write(2);
            }, () -> {
                chosen[0] = alt.fairSelect().index();
                chosen[1] = alt.fairSelect().index();
            });
            check(chosen[0] != chosen[1], "no always-ready guard is chosen twice while another waits",
                    "chosen", List.of(chosen[0], chosen[1]));
        });
    }

    @Test
    void aPoisonedGuardRacingWithAWriteEitherThrowsOrFiresAndNothingIsLost() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> poisoned = Channel.create();
            ChannelOutput<Integer> poisoner = poisoned.writer();
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            Alternation alt = new Alternation(new InputGuard<>(poisoned.reader()), new InputGuard<>(in));
            Object[] got = new Object[2];
            parallel(poisoner::poison, () -> out.write(6), () -> {
                try {
                    Selected s = alt.priSelect();
                    got[0] = s.index();
                    got[1] = s.value();
                } catch (PoisonException e) {
                    got[0] = PoisonException.class;
                    got[1] = in.read();
                }
            });
            check(Integer.valueOf(6).equals(got[1]), "the write is received exactly once", "got", List.of(got));
            check(!Integer.valueOf(0).equals(got[0]), "the poisoned guard never fires normally", "got", List.of(got));
        });
    }
}

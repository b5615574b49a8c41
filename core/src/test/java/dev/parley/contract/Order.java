package dev.parley.contract;

import dev.parley.Alternation;
import dev.parley.Selected;

import java.util.function.Function;

/**
 * The three selection orders of an {@link Alternation}, by name, so that a contract test
 * parameterized by them runs once under each; a type of its own so that every alternation
 * contract of this package can use it.
 */
enum Order {
    SELECT(Alternation::select), PRI(Alternation::priSelect), FAIR(Alternation::fairSelect);

    private final Function<Alternation, Selected> run;

    Order(Function<Alternation, Selected> run) {
        this.run = run;
    }

    Selected on(Alternation alt) {
        return run.apply(alt);
    }
}

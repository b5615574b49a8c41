package dev.parley;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Chosen when its channel has a message for it; the alternation then reads that message, which
 * {@link Selected#value()} returns.
 *
 * @param <T> the type of message
 */
public final class InputGuard<T> extends Guard {

    private final ChannelInput<T> input;

    /** @param input the end to read from */
    public InputGuard(ChannelInput<T> input) {
        this(input, always());
    }

    /**
     * @param input the end to read from
     * @param precondition when false, the guard is not chosen
     */
    public InputGuard(ChannelInput<T> input, boolean precondition) {
        this(input, constant(precondition));
    }

    /**
     * @param input the end to read from
     * @param precondition evaluated at each selection; when false, the guard is not chosen
     */
    public InputGuard(ChannelInput<T> input, BooleanSupplier precondition) {
        super(precondition);
        this.input = Objects.requireNonNull(input, "input");
    }

    /** @return the end this guard reads from */
    public ChannelInput<T> input() {
        return input;
    }

    @Override
    public String toString() {
        return "InputGuard[" + input.channelName() + "]";
    }
}

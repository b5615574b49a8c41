package dev.parley;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Chosen when its channel can take its value now (a reader waits, or the buffer has room); the
 * alternation then writes the value.
 *
 * @param <T> the type of message
 */
public final class OutputGuard<T> extends Guard {

    private final ChannelOutput<T> output;
    private final T value;

    /**
     * @param output the end to write to
     * @param value the message to write, not null
     */
    public OutputGuard(ChannelOutput<T> output, T value) {
        this(output, value, always());
    }

    /**
     * @param output the end to write to
     * @param value the message to write, not null
     * @param precondition when false, the guard is not chosen
     */
    public OutputGuard(ChannelOutput<T> output, T value, boolean precondition) {
        this(output, value, constant(precondition));
    }

    /**
     * @param output the end to write to
     * @param value the message to write, not null
     * @param precondition evaluated at each selection; when false, the guard is not chosen
     */
    public OutputGuard(ChannelOutput<T> output, T value, BooleanSupplier precondition) {
        super(precondition);
        this.output = Objects.requireNonNull(output, "output");
        this.value = Objects.requireNonNull(value, "value");
    }

    /** @return the end this guard writes to */
    public ChannelOutput<T> output() {
        return output;
    }

    /** @return the message this guard writes */
    public T value() {
        return value;
    }

    @Override
    public String toString() {
        return "OutputGuard[" + output.channelName() + " <- " + value + "]";
    }
}

package dev.parley;

/**
 * What a selection chose: the guard's index in the alternation, the guard, and for an
 * {@link InputGuard} the message it read. Immutable.
 */
public final class Selected {

    private final int index;
    private final Guard guard;
    private final Object value;

    Selected(int index, Guard guard, Object value) {
        this.index = index;
        this.guard = guard;
        this.value = value;
    }

    /** @return the index of the chosen guard, in the order the alternation was given them */
    public int index() {
        return index;
    }

    /** @return the chosen guard */
    public Guard guard() {
        return guard;
    }

    /**
     * @param <T> the type of message of the chosen input guard
     * @return the message read by an input guard; null for any other kind of guard
     */
    @SuppressWarnings("unchecked")
    public <T> T value() {
        return (T) value;
    }

    @Override
    public String toString() {
        return "Selected[index=" + index + ", guard=" + guard + (value == null ? "" : ", value=" + value) + "]";
    }
}

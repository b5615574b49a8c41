package dev.parley.protocol;

/**
 * What {@link FrameCodec#decode} made of some bytes: a frame, or the reason it was rejected.
 * Exactly one of the two is non-null. Immutable; any thread may use it.
 *
 * @param frame the frame, or null when rejected
 * @param rejection why the bytes were rejected, or null when decoded
 */
public record Decoded(Frame frame, Rejection rejection) {

    public Decoded {
        if ((frame == null) == (rejection == null)) {
            throw new IllegalArgumentException("exactly one of frame and rejection: frame=" + frame
                    + ", rejection=" + rejection);
        }
    }

    static Decoded of(Frame frame) {
        return new Decoded(frame, null);
    }

    static Decoded rejected(Rejection rejection) {
        return new Decoded(null, rejection);
    }

    /** @return true when a frame was decoded */
    public boolean ok() {
        return frame != null;
    }
}

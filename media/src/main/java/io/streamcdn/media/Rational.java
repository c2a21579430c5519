package io.streamcdn.media;

/** An exact ratio such as a frame rate (30000/1001) or a sample aspect ratio. */
public record Rational(int num, int den) {

    public Rational {
        if (den == 0) {
            throw new IllegalArgumentException("denominator is zero");
        }
    }

    public double value() {
        return (double) num / den;
    }

    /** The MPD/HLS spelling: {@code 30} for 30/1, {@code 30000/1001} otherwise. */
    @Override
    public String toString() {
        return den == 1 ? Integer.toString(num) : num + "/" + den;
    }
}

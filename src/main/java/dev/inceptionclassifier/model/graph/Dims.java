package dev.inceptionclassifier.model.graph;

/**
 * The shape of one sample between two nodes: {@code [C, H, W]}, or {@code [C]} once flattened (height and width 0).
 *
 * @param channels C
 * @param height H, 0 when flat
 * @param width W, 0 when flat
 */
public record Dims(int channels, int height, int width) {

    public static Dims flat(int channels) {
        return new Dims(channels, 0, 0);
    }

    public boolean isFlat() {
        return height == 0 && width == 0;
    }

    /** The shape with a batch dimension in front, as long[] ({@code [n, C, H, W]} or {@code [n, C]}). */
    public long[] withBatch(long n) {
        return isFlat() ? new long[] {n, channels} : new long[] {n, channels, height, width};
    }

    @Override
    public String toString() {
        return isFlat() ? "[" + channels + "]" : "[" + channels + ", " + height + ", " + width + "]";
    }
}

package dev.inceptionclassifier.model.core;

import java.util.Arrays;

/**
 * A float32 tensor in Java memory (row-major), as read from a checkpoint or generated, before it is copied into
 * a block's parameters. Keeping checkpoints on the heap side keeps NDArrays inside the model's own manager.
 *
 * @param shape dimensions, e.g. {@code [out, in, kh, kw]} for a convolution weight
 * @param data row-major values; {@code data.length} equals the product of {@code shape}
 */
public record HostTensor(long[] shape, float[] data) {

    public HostTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    /** Shape as text, e.g. {@code [32, 3, 3, 3]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }
}

package dev.inceptionclassifier.model.checkpoint;

import java.util.Arrays;

/**
 * A tensor as a pickle describes it: a strided view ({@code offset}, {@code shape}, {@code stride}, all in elements)
 * into a storage. Mutable only because the pre-0.4 legacy form builds an empty {@code torch.FloatTensor()} first and
 * points it at its storage afterwards (pickle's BUILD, i.e. {@code tensor.set_(storage, offset, size, stride)}).
 */
final class PthTensor {

    final PthDtype dtype;
    final boolean parameter;
    /** Null for a tensor that was never pointed at a storage: the empty tensor {@code torch.FloatTensor()}. */
    private PthStorage storage;

    private long offset;
    private long[] shape = {0};
    private long[] stride = {1};

    private PthTensor(PthDtype dtype, boolean parameter) {
        this.dtype = dtype;
        this.parameter = parameter;
    }

    /** {@code torch.FloatTensor()} and friends: an empty tensor waiting for its storage. */
    static PthTensor empty(PthDtype dtype, boolean parameter) {
        return new PthTensor(dtype, parameter);
    }

    static PthTensor of(PthStorage storage, long offset, long[] shape, long[] stride) {
        PthTensor t = new PthTensor(storage.dtype(), false);
        t.set(storage, offset, shape, stride);
        return t;
    }

    /** The same view as {@code data}, as a {@code torch.nn.Parameter} (which state dicts only rarely hold). */
    static PthTensor parameterOf(PthTensor data) {
        PthTensor p = new PthTensor(data.dtype, true);
        p.storage = data.storage;
        p.offset = data.offset;
        p.shape = data.shape;
        p.stride = data.stride;
        return p;
    }

    void set(PthStorage newStorage, long newOffset, long[] newShape, long[] newStride) {
        this.storage = newStorage;
        this.offset = newOffset;
        this.shape = newShape.clone();
        this.stride = newStride.clone();
    }

    PthStorage storage() {
        return storage;
    }

    long offset() {
        return offset;
    }

    long[] shape() {
        return shape.clone();
    }

    long[] stride() {
        return stride.clone();
    }

    /**
     * Checks the view against its storage and returns its element count, or describes what is wrong: negative sizes
     * or strides, an element count that overflows or exceeds {@code maxElements}, or elements beyond the storage.
     */
    long elementsOrThrow(long maxElements) {
        if (shape.length != stride.length) {
            throw new IllegalArgumentException("has " + shape.length + " sizes but " + stride.length + " strides");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("has a negative storage offset " + offset);
        }
        long elements = 1;
        long lastIndex = offset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || stride[i] < 0) {
                throw new IllegalArgumentException("has a negative size or stride: shape " + Arrays.toString(shape)
                        + ", stride " + Arrays.toString(stride));
            }
            try {
                elements = Math.multiplyExact(elements, shape[i]);
                if (shape[i] > 0) {
                    lastIndex = Math.addExact(lastIndex, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
            } catch (ArithmeticException ex) {
                throw new IllegalArgumentException("has a shape or stride that overflows: shape "
                        + Arrays.toString(shape) + ", stride " + Arrays.toString(stride));
            }
        }
        if (elements > maxElements) {
            throw new IllegalArgumentException("has " + elements + " elements (shape " + Arrays.toString(shape)
                    + "), more than the " + maxElements + " a Java array holds");
        }
        long available = storage == null ? 0 : storage.numel();
        if (elements > 0 && lastIndex >= available) {
            throw new IllegalArgumentException("needs storage elements up to index " + lastIndex + " (offset " + offset
                    + ", shape " + Arrays.toString(shape) + ", stride " + Arrays.toString(stride)
                    + ") but its storage holds only " + available);
        }
        return elements;
    }

    /** True when the view is the row-major run {@code offset .. offset + elements} of its storage. */
    boolean isRowMajor() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }
}

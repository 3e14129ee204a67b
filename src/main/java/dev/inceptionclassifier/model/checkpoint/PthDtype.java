package dev.inceptionclassifier.model.checkpoint;

/**
 * Element types of PyTorch storages, named after the storage classes a pickled checkpoint refers to
 * ({@code torch.FloatStorage}, ...), with their size in bytes. The size matters even for types this service cannot
 * use: the legacy format lays storages end to end, so skipping one means knowing its length.
 */
enum PthDtype {
    F32("Float", 4),
    F16("Half", 2),
    BF16("BFloat16", 2),
    F64("Double", 8),
    I64("Long", 8),
    I32("Int", 4),
    I16("Short", 2),
    I8("Char", 1),
    U8("Byte", 1),
    BOOL("Bool", 1),
    C64("ComplexFloat", 8),
    C128("ComplexDouble", 16),
    QI8("QInt8", 1),
    QU8("QUInt8", 1),
    QI32("QInt32", 4),
    QU4X2("QUInt4x2", 1),
    QU2X4("QUInt2x4", 1),
    /** {@code torch.storage.UntypedStorage}: bytes. */
    UNTYPED("Untyped", 1);

    /** The class-name stem: {@code torch.<stem>Storage}, and {@code torch.<stem>Tensor} for the legacy tensor types. */
    final String stem;

    final int size;

    PthDtype(String stem, int size) {
        this.stem = stem;
        this.size = size;
    }

    /** Converted to float32 by the reader (F64 with rounding to nearest, the others exactly). */
    boolean isFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** Has a legacy {@code torch.<stem>Tensor} class (torch's {@code _tensor_classes}). */
    boolean hasTensorClass() {
        return ordinal() <= BOOL.ordinal();
    }

    /** Has a {@code torch.cuda.<stem>Storage} class. */
    boolean hasCudaStorage() {
        return ordinal() <= C128.ordinal();
    }
}

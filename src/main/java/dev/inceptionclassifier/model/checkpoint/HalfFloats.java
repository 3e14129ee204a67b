package dev.inceptionclassifier.model.checkpoint;

/**
 * The 16-bit float formats, widened to float32 exactly, for both checkpoint readers ({@link SafetensorsReader} and
 * {@link PthReader}). A class of its own, so that reading a .pth file does not initialise the safetensors JSON
 * machinery.
 */
final class HalfFloats {

    private HalfFloats() {}

    /** bfloat16 is the upper half of a float32. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** IEEE 754 binary16 to float32, exact (every half is representable as a float). */
    static float f16ToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}

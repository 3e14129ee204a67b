package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTests {

    /** Every 16-bit pattern against the format's definition, evaluated in double arithmetic (exact here). */
    @Test
    void widensEveryPatternAsTheFormatsDefineIt() {
        for (int h = 0; h < 65536; h++) {
            short s = (short) h;
            assertSameFloat(HalfFloats.f16ToFloat(s), definition(h, 5, 10), "f16 0x%04x", h);
            assertSameFloat(HalfFloats.bf16ToFloat(s), definition(h, 8, 7), "bf16 0x%04x", h);
        }
        assertThat(HalfFloats.f16ToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.bf16ToFloat((short) 0xc020)).isEqualTo(-2.5f);
    }

    private static void assertSameFloat(float actual, float expected, String what, int bits) {
        if (Float.isNaN(expected)) {
            assertThat(actual).as(what, bits).isNaN();
        } else {
            assertThat(Float.floatToRawIntBits(actual)).as(what, bits).isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    /** The IEEE 754 value of a sign bit, {@code e} exponent bits and {@code m} mantissa bits. */
    private static float definition(int bits, int e, int m) {
        int sign = bits >>> (e + m);
        int exponent = (bits >>> m) & ((1 << e) - 1);
        int mantissa = bits & ((1 << m) - 1);
        int bias = (1 << (e - 1)) - 1;
        double magnitude;
        if (exponent == (1 << e) - 1) {
            magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exponent == 0) {
            magnitude = Math.scalb((double) mantissa, 1 - bias - m);
        } else {
            magnitude = Math.scalb((double) ((1 << m) + mantissa), exponent - bias - m);
        }
        return (float) (sign == 0 ? magnitude : -magnitude);
    }
}

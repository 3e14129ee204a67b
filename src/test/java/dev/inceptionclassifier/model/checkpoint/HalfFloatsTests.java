package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTests {

    @Test
    void agreesBitForBitWithTheSafetensorsReaderOnEveryPattern() {
        for (int h = 0; h < 65536; h++) {
            short s = (short) h;
            assertThat(Float.floatToRawIntBits(HalfFloats.f16ToFloat(s))).as("f16 0x%04x", h)
                    .isEqualTo(Float.floatToRawIntBits(SafetensorsReader.f16ToFloat(s)));
            assertThat(Float.floatToRawIntBits(HalfFloats.bf16ToFloat(s))).as("bf16 0x%04x", h)
                    .isEqualTo(Float.floatToRawIntBits(SafetensorsReader.bf16ToFloat(s)));
        }
        assertThat(HalfFloats.f16ToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(HalfFloats.bf16ToFloat((short) 0xc020)).isEqualTo(-2.5f);
    }
}

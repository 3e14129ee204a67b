package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.support.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PillowResampler} against Pillow 9.4 itself ({@code Image.resize} on an RGB image), byte for byte, for both
 * filters: shrinks by integer and odd ratios, enlargements, one axis only, mixed directions, one-pixel images, and
 * the 4000x3000 to 341x256 shrink of a photo. Noise images, so every coefficient and rounding step shows.
 */
class PillowResamplerReferenceTests {

    private static final String SCRIPT = """
            import sys, json
            import numpy as np
            from PIL import Image
            out, cases = sys.argv[1], json.loads(sys.argv[2])
            filters = {'BILINEAR': Image.Resampling.BILINEAR, 'BICUBIC': Image.Resampling.BICUBIC}
            for i, (w, h, ow, oh, f) in enumerate(cases):
                pixels = np.random.default_rng(i).integers(0, 256, size=(h, w, 3), dtype=np.uint8)
                resized = Image.fromarray(pixels, 'RGB').resize((ow, oh), filters[f])
                assert resized.mode == 'RGB' and resized.size == (ow, oh)
                with open(f'{out}/{i}.src', 'wb') as fh:
                    fh.write(pixels.tobytes())
                with open(f'{out}/{i}.out', 'wb') as fh:
                    fh.write(np.asarray(resized).tobytes())
            """;

    /** in width, in height, out width, out height. */
    private static final int[][] SIZES = {
        {1024, 768, 341, 256},
        {768, 1024, 224, 298},
        {600, 2000, 256, 853},
        {333, 517, 160, 160},
        {100, 100, 50, 50},
        {101, 99, 37, 41},
        {9, 6, 384, 256},
        {2, 3, 7, 5},
        {1, 1, 5, 3},
        {40, 30, 17, 30},
        {40, 30, 40, 11},
        {300, 20, 41, 90},
        {4000, 3000, 341, 256}
    };

    @TestFactory
    List<DynamicTest> bytesEqualPillow(@TempDir Path dir) throws Exception {
        String unavailable = Python.unavailable("numpy", "PIL");
        if (unavailable != null) {
            return Python.skipped(unavailable);
        }
        StringBuilder json = new StringBuilder("[");
        List<String> names = new ArrayList<>();
        for (Interpolation filter : Interpolation.values()) {
            for (int[] s : SIZES) {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append(String.format("[%d,%d,%d,%d,\"%s\"]", s[0], s[1], s[2], s[3], filter.name()));
                names.add(filter.configName() + " " + s[0] + "x" + s[1] + " -> " + s[2] + "x" + s[3]);
            }
        }
        Python.runScript(dir, SCRIPT, dir.toString(), json.append(']').toString());
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (Interpolation filter : Interpolation.values()) {
            for (int[] s : SIZES) {
                int index = i++;
                tests.add(DynamicTest.dynamicTest(names.get(index), () -> {
                    byte[] src = Files.readAllBytes(dir.resolve(index + ".src"));
                    byte[] expected = Files.readAllBytes(dir.resolve(index + ".out"));
                    byte[] actual = PillowResampler.resize(filter, src, s[0], s[1], s[2], s[3], 0, 0, s[2], s[3]);
                    assertThat(actual).hasSize(expected.length);
                    int differing = 0;
                    for (int k = 0; k < expected.length; k++) {
                        if (actual[k] != expected[k]) {
                            differing++;
                        }
                    }
                    assertThat(differing).as("bytes differing from Pillow").isZero();
                }));
            }
        }
        return tests;
    }
}

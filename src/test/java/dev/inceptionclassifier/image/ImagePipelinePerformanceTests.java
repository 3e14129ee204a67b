package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.support.TestImages;
import org.junit.jupiter.api.Test;

/** Prints decode + preprocess times for typical and large photos (figures for the README; loose bounds only). */
class ImagePipelinePerformanceTests {

    private final ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults());

    @Test
    void decodeAndPreprocessTimes() {
        measure(1024, 768, 20);
        measure(4000, 3000, 5);
    }

    private void measure(int w, int h, int runs) {
        byte[] jpeg = TestImages.jpeg(TestImages.pattern(w, h), 0.9f, false);
        PreprocessSpec spec = PreprocessSpec.inception(0.875);
        for (int i = 0; i < 3; i++) {
            pipeline.preprocess(pipeline.decode(jpeg), spec);
        }
        long decode = Long.MAX_VALUE;
        long preprocess = Long.MAX_VALUE;
        long total = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            DecodedImage image = pipeline.decode(jpeg);
            long t1 = System.nanoTime();
            float[] input = pipeline.preprocess(image, spec);
            long t2 = System.nanoTime();
            assertThat(input).hasSize(3 * 299 * 299);
            decode = Math.min(decode, t1 - t0);
            preprocess = Math.min(preprocess, t2 - t1);
            total += t2 - t0;
        }
        System.out.printf(
                "[perf] %dx%d JPEG (%d KB): decode %.1f ms, preprocess %.1f ms (best of %d), "
                        + "mean decode+preprocess %.1f ms%n",
                w, h, jpeg.length / 1024, decode / 1e6, preprocess / 1e6, runs, total / 1e6 / runs);
        assertThat(total / runs).isLessThan(10_000_000_000L);
    }
}

package dev.inceptionclassifier.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTests {

    @Test
    void softmaxSumsToOneAndIsStableForLargeLogits() {
        double[] p = TopK.softmax(new float[] {1000f, 1000f, -1000f});
        assertThat(p[0]).isCloseTo(0.5, within(1e-12));
        assertThat(p[1]).isCloseTo(0.5, within(1e-12));
        assertThat(p[2]).isZero();
        double[] q = TopK.softmax(new float[] {1f, 2f, 3f});
        assertThat(Arrays.stream(q).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(q[2]).isCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), within(1e-12));
    }

    @Test
    void topKMatchesAFullSort() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            float[] logits = new float[1000];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) random.nextGaussian() * 3;
            }
            int k = 1 + random.nextInt(20);
            double[] p = TopK.softmax(logits);
            List<Integer> expected = IntStream.range(0, p.length)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -p[i]).thenComparingInt(i -> i))
                    .limit(k)
                    .toList();
            assertThat(TopK.of(logits, k).stream().map(TopK.Scored::index).toList())
                    .isEqualTo(expected);
        }
    }

    @Test
    void kLargerThanTheClassCountReturnsAllClasses() {
        assertThat(TopK.of(new float[] {0f, 5f, 1f}, 10))
                .extracting(TopK.Scored::index)
                .containsExactly(1, 2, 0);
    }
}

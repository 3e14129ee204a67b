package dev.inceptionclassifier.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.inceptionclassifier.model.graph.Node;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AvgPoolExcludingPaddingTests {

    @Test
    void bordersAverageOnlyRealPixels() {
        int n = 2;
        int c = 3;
        int h = 5;
        int w = 6;
        float[] x = new float[n * c * h * w];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            AvgPoolExcludingPadding pool =
                    new AvgPoolExcludingPadding(new Node.AvgPool(3, 3, 1, 1, 1, 1, false, false));
            float[] y = pool.forward(
                            new ParameterStore(manager, false),
                            new NDList(manager.create(x, new Shape(n, c, h, w))),
                            false)
                    .singletonOrThrow()
                    .toFloatArray();
            assertThat(y).hasSameSizeAs(x);
            for (int p = 0; p < n * c; p++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double sum = 0;
                        int count = 0;
                        for (int di = -1; di <= 1; di++) {
                            for (int dj = -1; dj <= 1; dj++) {
                                int ii = i + di;
                                int jj = j + dj;
                                if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                                    sum += x[(p * h + ii) * w + jj];
                                    count++;
                                }
                            }
                        }
                        assertThat((double) y[(p * h + i) * w + j]).isCloseTo(sum / count, within(1e-6));
                    }
                }
            }
            // a constant map stays constant, corners included (count_include_pad=True would give 4/9 there)
            float[] ones = pool.forward(
                            new ParameterStore(manager, false), new NDList(manager.ones(new Shape(1, 1, 4, 4))), false)
                    .singletonOrThrow()
                    .toFloatArray();
            assertThat(ones).containsOnly(1f);
        }
    }
}

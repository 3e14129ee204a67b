package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** The fixture generator agrees with the reference, and a full-size timm checkpoint survives a safetensors round trip. */
class FixtureWeightsTests {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = Architecture.class,
            names = {"INCEPTION_V4", "INCEPTION_RESNET_V2"})
    void weightsMatchTheReferenceProbes(Architecture architecture) throws IOException {
        Path ref = FixtureWeights.referenceDir();
        JsonNode probes = FixtureWeights.fixture(ref)
                .get("models")
                .get(architecture.timmName())
                .get("weight_probes_float64");
        List<FixtureWeights.Key> keys = FixtureWeights.keys(ref, architecture);
        double gain = FixtureWeights.gain(architecture);

        assertThat(probes.size()).isGreaterThan(3);
        for (var probe : probes.properties()) {
            FixtureWeights.Key key = keys.stream()
                    .filter(k -> k.name().equals(probe.getKey()))
                    .findFirst()
                    .orElseThrow();
            assertThat(key.k()).isEqualTo(probe.getValue().get("k").intValue());
            for (int i = 0; i < 3; i++) {
                assertClose(
                        FixtureWeights.value(key, i, gain),
                        probe.getValue().get("first3").get(i).doubleValue());
            }
            assertClose(
                    FixtureWeights.value(key, key.elements() - 1, gain),
                    probe.getValue().get("last").doubleValue());
        }
    }

    /** The reference prints 9 significant digits. */
    private static void assertClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * 1e-8 + 1e-12));
    }

    @Test
    void inputsMatchTheReference() throws IOException {
        JsonNode input = FixtureWeights.fixture(FixtureWeights.referenceDir()).get("input");
        float[] x = FixtureWeights.inputs();
        int image = 3 * 299 * 299;
        for (int w = 0; w < 5; w++) {
            assertThat((double) x[w])
                    .isCloseTo(input.get("image0_first5_c0_h0").get(w).doubleValue(), within(1e-8));
            assertThat((double) x[image + w])
                    .isCloseTo(input.get("image1_first5_c0_h0").get(w).doubleValue(), within(1e-8));
        }
        assertThat((double) x[image + (2 * 299 + 10) * 299 + 20])
                .isCloseTo(input.get("image1_c2_h10_w20").doubleValue(), within(1e-7));
    }

    @Test
    void fullInceptionV4CheckpointRoundTripsThroughSafetensors() throws IOException {
        Path ref = FixtureWeights.referenceDir();
        List<FixtureWeights.Key> keys = FixtureWeights.keys(ref, Architecture.INCEPTION_V4);
        assertThat(keys).hasSize(896);
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, FixtureWeights.checkpoint(keys, 1.3, SafetensorsReader.Dtype.F32));
        long bytes = Files.size(file);

        Map<String, HostTensor> read = null;
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            read = null; // let the previous copy go before reading the next
            long t0 = System.nanoTime();
            read = SafetensorsReader.read(file);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf(
                "SafetensorsReader: %.1f MB in %.0f ms = %.0f MB/s (warm page cache, best of 3)%n",
                bytes / 1e6, best / 1e6, bytes / 1e6 / (best / 1e9));

        List<FixtureWeights.Key> floats = keys.stream().filter(k -> !k.int64()).toList();
        assertThat(floats).hasSize(896 - 149);
        assertThat(read.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        floats.stream().map(FixtureWeights.Key::name).toList());
        long elements = 0;
        for (FixtureWeights.Key key : floats) {
            HostTensor t = read.get(key.name());
            assertThat(t.shape()).as(key.name()).containsExactly(key.shape());
            // Arrays.equals: AssertJ's containsExactly is quadratic, far too slow for millions of values
            assertThat(Arrays.equals(t.data(), FixtureWeights.values(key, 1.3)))
                    .as(key.name())
                    .isTrue();
            elements += t.data().length;
        }
        assertThat(elements).isEqualTo(42_742_984L);
    }
}

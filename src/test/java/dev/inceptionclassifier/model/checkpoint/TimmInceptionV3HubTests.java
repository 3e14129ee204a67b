package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import dev.inceptionclassifier.model.Execution;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelLoader;
import dev.inceptionclassifier.model.ModelSettings;
import dev.inceptionclassifier.model.Precision;
import dev.inceptionclassifier.model.arch.FamilyFixtureAssertions;
import dev.inceptionclassifier.model.arch.FamilyReference;
import dev.inceptionclassifier.model.arch.TimmFixtureAssertions;
import dev.inceptionclassifier.model.arch.TimmReference;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.core.InputPreprocessing;
import dev.inceptionclassifier.model.core.Task;
import dev.inceptionclassifier.model.source.SourceSettings;
import dev.inceptionclassifier.support.FakeServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * timm's four {@code inception_v3} hub tags through today's loader: each tag's {@code config.json}, exactly as timm's
 * hub writer produces it ({@code <reference.dir>/family/hub_config}), gives the preprocessing the family README
 * states, and a {@code model.safetensors} in timm's layout next to it (the public fixture's weights) loads as a
 * network <em>without</em> torchvision's {@code transform_input}: timm's {@code inception_v3} has none, the config's
 * mean/std do that job, so its outputs are the fixture's plain {@code inception_v3} ones and not its
 * {@code transform_input_true} ones. {@code tv_in1k} is torchvision's file, which carries the {@code AuxLogits.*}
 * head: accepted and ignored. One tag is also served through {@code hf-hub:} from a local server laid out like the
 * hub.
 */
class TimmInceptionV3HubTests {

    private static final Architecture V3 = Architecture.INCEPTION_V3;
    private static final String COMMIT = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    @TempDir
    static Path dir;

    @RegisterExtension
    final FakeServer hub = new FakeServer();

    /** One folder per tag: the tag's reference config.json and the fixture weights (tv_in1k's with AuxLogits). */
    @BeforeAll
    static void writeFolders() throws IOException {
        Path family = FamilyReference.dir();
        assumeTrue(
                Files.isDirectory(family.resolve("hub_config")),
                "no hub_config in " + family.toAbsolutePath() + "; skipping");
        Path plain = dir.resolve("plain.safetensors");
        Path withAux = dir.resolve("aux.safetensors");
        writeCheckpoint(plain, false);
        writeCheckpoint(withAux, true);
        for (String tag : List.of("tv_in1k", "tf_in1k", "tf_adv_in1k", "gluon_in1k")) {
            Path folder = Files.createDirectories(dir.resolve(tag));
            Files.copy(config(tag), folder.resolve("config.json"));
            Files.copy(tag.equals("tv_in1k") ? withAux : plain, folder.resolve("model.safetensors"));
        }
    }

    /** What the family README states for each tag: timm's eval transform, bicubic 299 at crop_pct 0.875. */
    private static InputPreprocessing expected(String tag) {
        boolean gluon = tag.equals("gluon_in1k");
        return new InputPreprocessing(
                "timm",
                299,
                0.875,
                false,
                "bicubic",
                gluon ? IMAGENET_MEAN : HALF,
                gluon ? IMAGENET_STD : HALF,
                "config.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tv_in1k", "tf_in1k", "tf_adv_in1k", "gluon_in1k"})
    void eachTagsConfigReadsAsTheReadmeStates(String tag) throws IOException {
        TimmConfig config = TimmConfig.read(config(tag));
        assertThat(config.architecture()).isEqualTo("inception_v3");
        assertThat(Architecture.fromTimmName(config.architecture())).isEqualTo(V3);
        assertThat(config.numClasses()).isEqualTo(1000);
        assertThat(config.labelNames()).isNull();
        assertThat(config.preprocess()).isEqualTo(expected(tag));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tv_in1k", "tf_in1k", "tf_adv_in1k", "gluon_in1k"})
    void eachTagLoadsFromAFolderWithoutTransformInput(String tag) {
        ModelSettings props = props(tag, dir.resolve(tag).toString());
        try (LoadedModel m = loader(SourceSettingsFor.offline()).load(props, List.of(Device.cpu()))) {
            assertThat(m.info().architecture()).isEqualTo("inception_v3");
            assertThat(m.info().numClasses()).isEqualTo(1000);
            assertThat(m.info().tasks()).containsExactly(Task.CLASSIFY);
            assertThat(m.info().randomWeights()).isFalse();
            assertThat(m.info().preprocess()).isEqualTo(expected(tag));
            assertIsTimmsNetwork("inception_v3." + tag + " folder", run(m));
        }
    }

    @Test
    void aTagServedThroughTheHubResolvesToItsCommitAndLoadsTheSame() {
        for (String revision : List.of("main", COMMIT)) {
            hub.folder(
                    "/timm/inception_v3.tf_in1k/resolve/" + revision + "/",
                    dir.resolve("tf_in1k"),
                    Map.of("X-Repo-Commit", COMMIT));
        }
        ModelSettings props = props("tf_in1k-hub", "hf-hub:timm/inception_v3.tf_in1k");
        try (LoadedModel m = loader(SourceSettingsFor.hub(hub.base())).load(props, List.of(Device.cpu()))) {
            assertThat(m.info().weights()).isEqualTo("hf-hub:timm/inception_v3.tf_in1k@" + COMMIT);
            assertThat(m.info().architecture()).isEqualTo("inception_v3");
            assertThat(m.info().preprocess()).isEqualTo(expected("tf_in1k"));
            assertIsTimmsNetwork("inception_v3.tf_in1k hf-hub", run(m));
        }
        assertThat(hub.gets()).anySatisfy(g -> assertThat(g).contains("/resolve/" + COMMIT + "/model.safetensors"));
    }

    /**
     * The fixture's plain {@code inception_v3} outputs within 1e-4 relative, and clearly not those of torchvision's
     * {@code transform_input=True} run of the same weights.
     */
    private static void assertIsTimmsNetwork(String what, float[] out) {
        JsonNode fx = FamilyReference.fixture(V3);
        FamilyFixtureAssertions.checkOutputs(what, fx.get("float32"), FamilyFixtureAssertions.all64(V3, fx), out, 1000);
        JsonNode withTransform = fx.get("transform_input_true").get("float64").get("image0");
        float[] image0 = Arrays.copyOf(out, 1000);
        assertThat(TimmFixtureAssertions.top(image0, 5))
                .as(what + " top5 vs transform_input_true")
                .isNotEqualTo(TimmReference.ints(withTransform.get("top5_indices")));
        double first = withTransform.get("first10").get(0).asDouble();
        assertThat(Math.abs(image0[0] - first))
                .as(what + " value 0 vs transform_input_true")
                .isGreaterThan(100 * FamilyFixtureAssertions.TOLERANCE * Math.abs(first));
    }

    private static Path config(String tag) {
        return FamilyReference.dir().resolve("hub_config/inception_v3." + tag + ".config.json");
    }

    /**
     * The fixture weights in timm's key order with a real state dict's int64 {@code num_batches_tracked} counters;
     * with {@code aux}, also the 14 {@code AuxLogits.*} entries of {@code inception_v3.aux_keys.tsv}.
     */
    private static void writeCheckpoint(Path file, boolean aux) throws IOException {
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        add(tensors, FamilyReference.keyLines(V3, false), FamilyReference.fixtureStateDict(V3));
        if (aux) {
            List<TimmReference.KeyLine> auxLines = FamilyReference.keyLines(V3, true);
            assertThat(auxLines).hasSize(14).allSatisfy(l -> assertThat(l.key()).startsWith("AuxLogits."));
            add(tensors, auxLines, FamilyReference.auxStateDict(V3));
        }
        SafetensorsWriter.write(file, tensors);
    }

    private static void add(
            List<SafetensorsWriter.Tensor> out, List<TimmReference.KeyLine> lines, Map<String, HostTensor> values) {
        for (TimmReference.KeyLine line : lines) {
            if (line.isNumBatchesTracked()) {
                out.add(SafetensorsWriter.i64Scalar(line.key(), 0));
            } else {
                HostTensor t = values.get(line.key());
                out.add(SafetensorsWriter.f32(line.key(), t.shape(), t.data()));
            }
        }
    }

    private static ModelSettings props(String name, String source) {
        return new ModelSettings(
                name,
                null,
                source,
                null,
                42,
                null,
                null,
                false,
                new ModelSettings.Sha256(null, null),
                false,
                null,
                null);
    }

    private static ModelLoader loader(SourceSettings settings) {
        return ModelLoader.create(settings, false, Precision.FP32.id(), Execution.COMPILED.id());
    }

    /** Source settings: offline for folders, or the local hub. */
    private static final class SourceSettingsFor {

        static SourceSettings offline() {
            return settings(true, "https://huggingface.co");
        }

        static SourceSettings hub(String endpoint) {
            return settings(false, endpoint);
        }

        private static SourceSettings settings(boolean offline, String endpoint) {
            return new SourceSettings(
                    dir.resolve("cache"),
                    offline,
                    "https://example.invalid/labels/",
                    new SourceSettings.Hub(endpoint, null, Duration.ofSeconds(2), Duration.ofSeconds(30), 1L << 30));
        }
    }

    /** The fixture input (2 x 3 x 299 x 299) through the loaded network: the logits, {@code [2, 1000]}. */
    private static float[] run(LoadedModel m) {
        float[] input = TimmReference.toFloat(FamilyReference.input(299));
        try (Predictor<float[], float[]> p = m.model(Device.cpu()).newPredictor(new NoBatchifyTranslator<>() {
            @Override
            public NDList processInput(TranslatorContext ctx, float[] in) {
                return new NDList(ctx.getNDManager().create(in, new Shape(2, 3, 299, 299)));
            }

            @Override
            public float[] processOutput(TranslatorContext ctx, NDList list) {
                return list.get(0).toFloatArray();
            }
        })) {
            return p.predict(input);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.image.ChannelOrder;
import dev.inceptionclassifier.image.Interpolation;
import dev.inceptionclassifier.image.PreprocessPreset;
import dev.inceptionclassifier.image.PreprocessSpec;
import dev.inceptionclassifier.inference.ServedModel;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.InputPreprocessing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each model's checkpoint says about preprocessing, turned into the image transform, with overrides. */
class PreprocessSpecsTests {

    /** The overrides in the order of {@code classifier.models[i].preprocess}. */
    private record Preprocess(
            String resizeMode,
            Double cropPct,
            Integer inputSize,
            List<Double> mean,
            List<Double> std,
            String preset,
            String interpolation) {}

    /** What the model package says, seen through the catalogue, with the overrides applied by the API. */
    private static PreprocessSpec resolve(InputPreprocessing p, Preprocess o) {
        var view = new ServedModel.Preprocessing(
                p.preset(), p.inputSize(), p.cropPct(), p.squash(), p.interpolation(), p.mean(), p.std(), p.source());
        return PreprocessSpecs.resolve(
                view,
                o == null
                        ? null
                        : new ApiSettings.Preprocess(
                                o.preset(), o.resizeMode(), o.cropPct(), o.interpolation(), o.mean(), o.std()));
    }

    private static final Preprocess NONE = new Preprocess(null, null, null, null, null, null, null);

    @Test
    void timmArchitecturesDefaultToTimmsTransformWithTheirCropPct() {
        assertThat(resolve(Architecture.INCEPTION_V4.defaultPreprocessing("d"), null))
                .isEqualTo(PreprocessSpec.inception(0.875));
        PreprocessSpec irv2 = resolve(Architecture.INCEPTION_RESNET_V2.defaultPreprocessing("d"), NONE);
        assertThat(irv2).isEqualTo(PreprocessSpec.inception(0.8975));
        assertThat(irv2.scaleSize()).isEqualTo(333);
    }

    /** The defaults the family's state dicts get: googlenet/v3 torchvision, bninception Cadene, IR-v1 facenet. */
    @Test
    void eachPresetNameIsThePublishedPreset() {
        for (var c : List.of(
                new Object[] {"torchvision", 224, PreprocessPreset.TORCHVISION},
                new Object[] {"torchvision", 299, PreprocessPreset.TORCHVISION},
                new Object[] {"cadene", 224, PreprocessPreset.CADENE},
                new Object[] {"facenet", 160, PreprocessPreset.FACENET},
                new Object[] {"timm", 299, PreprocessPreset.TIMM})) {
            int size = (int) c[1];
            PreprocessSpec spec = resolve(InputPreprocessing.preset((String) c[0], size, "d"), NONE);
            assertThat(spec).as("%s %d", c[0], size).isEqualTo(((PreprocessPreset) c[2]).spec(size));
        }
        PreprocessSpec tv = resolve(InputPreprocessing.preset("torchvision", 299, "d"), null);
        assertThat(tv.scaleSize()).isEqualTo(342);
        assertThat(tv.interpolation()).isEqualTo(Interpolation.BILINEAR);
        PreprocessSpec cadene = resolve(InputPreprocessing.preset("cadene", 224, "d"), null);
        assertThat(cadene.channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(cadene.valueRange()).isEqualTo(255);
        assertThat(cadene.scaleSize()).isEqualTo(256);
    }

    @Test
    void aTimmConfigsValuesReplaceThePresets() {
        float[] imagenetMean = {0.485f, 0.456f, 0.406f};
        float[] imagenetStd = {0.229f, 0.224f, 0.225f};
        var gluon =
                new InputPreprocessing("timm", 299, 0.875, false, "bicubic", imagenetMean, imagenetStd, "config.json");
        PreprocessSpec spec = resolve(gluon, NONE);
        assertThat(spec).isEqualTo(new PreprocessSpec(299, 0.875, false, imagenetMean, imagenetStd));
        var bilinearSquash = new InputPreprocessing("timm", 224, 1.0, true, "bilinear", null, null, "config.json");
        PreprocessSpec s2 = resolve(bilinearSquash, NONE);
        assertThat(s2.squash()).isTrue();
        assertThat(s2.interpolation()).isEqualTo(Interpolation.BILINEAR);
        assertThat(s2.mean()).containsExactly(0.5f, 0.5f, 0.5f);
    }

    @Test
    void overridesReplaceOnlyWhatIsSetAndKeepChannelOrderAndValueRange() {
        var cadene = InputPreprocessing.preset("cadene", 224, "d");
        PreprocessSpec spec =
                resolve(cadene, new Preprocess(null, 0.8, null, null, List.of(2.0, 2.0, 2.0), null, "bicubic"));
        assertThat(spec.channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(spec.valueRange()).isEqualTo(255);
        assertThat(spec.mean()).containsExactly(104f, 117f, 128f);
        assertThat(spec.std()).containsExactly(2f, 2f, 2f);
        assertThat(spec.interpolation()).isEqualTo(Interpolation.BICUBIC);
        assertThat(spec.cropPct()).isEqualTo(0.8);
        assertThat(spec.scaleSize()).isEqualTo(280);

        PreprocessSpec squash = resolve(
                Architecture.INCEPTION_V4.defaultPreprocessing("d"),
                new Preprocess("squash", null, null, List.of(0.485, 0.456, 0.406), null, null, null));
        assertThat(squash.squash()).isTrue();
        assertThat(squash.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(squash.std()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(squash.interpolation()).isEqualTo(Interpolation.BICUBIC);
    }

    @Test
    void aConfiguredPresetReplacesWhatTheCheckpointImplies() {
        var irv2 = Architecture.INCEPTION_RESNET_V2.defaultPreprocessing("d");
        assertThat(resolve(irv2, new Preprocess(null, null, null, null, null, "torchvision", null)))
                .isEqualTo(PreprocessPreset.TORCHVISION.spec(299));
        // the network's input size (already in the model's record) is kept
        assertThat(resolve(irv2.withInputSize(160), new Preprocess(null, null, null, null, null, "facenet", null)))
                .isEqualTo(PreprocessPreset.FACENET.spec(160));
    }
}

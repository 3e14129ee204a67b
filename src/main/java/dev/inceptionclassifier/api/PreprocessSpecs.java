package dev.inceptionclassifier.api;

import dev.inceptionclassifier.image.Interpolation;
import dev.inceptionclassifier.image.PreprocessPreset;
import dev.inceptionclassifier.image.PreprocessSpec;
import dev.inceptionclassifier.inference.ServedModel;
import dev.inceptionclassifier.inference.ServedModels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The image transform of every served model, decided once at start-up: what the checkpoint says (its timm
 * {@code config.json} values, or the preset of the architecture's published weights), as the image pipeline's
 * {@link PreprocessSpec}, with the user's {@code classifier.models[i].preprocess.*} overrides on top.
 */
@Component
class PreprocessSpecs {

    private final Map<String, PreprocessSpec> specs = new LinkedHashMap<>();
    private final Map<String, String> presets = new LinkedHashMap<>();

    PreprocessSpecs(ServedModels models, ApiSettings settings) {
        for (ServedModel m : models.all()) {
            ApiSettings.Preprocess overrides = settings.preprocess().get(m.name());
            specs.put(m.name(), resolve(m.info().preprocess(), overrides));
            presets.put(
                    m.name(),
                    overrides != null && overrides.preset() != null
                            ? overrides.preset()
                            : m.info().preprocess().preset());
        }
    }

    /** The transform of {@code model}. */
    PreprocessSpec of(ServedModel model) {
        PreprocessSpec spec = specs.get(model.name());
        if (spec == null) {
            throw new IllegalArgumentException("no preprocessing for model " + model.name());
        }
        return spec;
    }

    /** The name of the preset {@code model}'s transform starts from: the configured one, else the checkpoint's. */
    String preset(ServedModel model) {
        return presets.get(model.name());
    }

    /**
     * The preset (the override's, else the checkpoint's) at the network's input size; then, unless the user chose
     * the preset, the values the checkpoint states; then the user's overrides. A changed crop fraction moves the
     * resize to {@code floor(inputSize / cropPct)}, as timm computes it. The input size itself is the model's (the
     * network is fed it), so it is already in {@code base}.
     */
    static PreprocessSpec resolve(ServedModel.Preprocessing base, ApiSettings.Preprocess o) {
        boolean presetOverridden = o != null && o.preset() != null;
        PreprocessSpec s = preset(presetOverridden ? o.preset() : base.preset()).spec(base.inputSize());
        if (!presetOverridden) {
            s = with(s, base.cropPct(), base.squash(), base.interpolation(), base.mean(), base.std());
        }
        if (o == null) {
            return s;
        }
        Boolean squash = o.resizeMode() == null ? null : o.resizeMode().equals("squash");
        return with(s, o.cropPct(), squash, o.interpolation(), floats(o.mean(), "mean"), floats(o.std(), "std"));
    }

    /** {@code s} with every non-null value replaced; channel order and value range stay the preset's. */
    private static PreprocessSpec with(
            PreprocessSpec s, Double cropPct, Boolean squash, String interpolation, float[] mean, float[] std) {
        double crop = cropPct != null ? cropPct : s.cropPct();
        int scaleSize = cropPct != null ? (int) Math.floor(s.inputSize() / crop) : s.scaleSize();
        return new PreprocessSpec(
                s.inputSize(),
                crop,
                Math.max(scaleSize, s.inputSize()),
                squash != null ? squash : s.squash(),
                interpolation != null
                        ? Interpolation.valueOf(interpolation.toUpperCase(Locale.ROOT))
                        : s.interpolation(),
                s.channelOrder(),
                s.valueRange(),
                mean != null ? mean : s.mean(),
                std != null ? std : s.std());
    }

    static PreprocessPreset preset(String name) {
        for (PreprocessPreset p : PreprocessPreset.values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preprocessing preset '" + name + "'");
    }

    private static float[] floats(List<Double> values, String what) {
        if (values == null) {
            return null;
        }
        if (values.size() != 3) {
            throw new IllegalArgumentException("preprocess." + what + " needs 3 values, one per channel");
        }
        float[] f = new float[3];
        for (int i = 0; i < 3; i++) {
            f[i] = values.get(i).floatValue();
        }
        return f;
    }
}

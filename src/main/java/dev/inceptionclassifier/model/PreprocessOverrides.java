package dev.inceptionclassifier.model;

import java.util.List;

import dev.inceptionclassifier.image.PreprocessSpec;

/** Applies {@code classifier.models[i].preprocess.*} on top of what the checkpoint or architecture implies. */
final class PreprocessOverrides {

    private PreprocessOverrides() {
    }

    static PreprocessSpec apply(PreprocessSpec base, ModelSettings.Preprocess o) {
        if (o == null) {
            return base;
        }
        int size = o.inputSize() != null ? o.inputSize() : base.inputSize();
        double cropPct = o.cropPct() != null ? o.cropPct() : base.cropPct();
        boolean squash = o.resizeMode() != null ? o.resizeMode().equals("squash") : base.squash();
        float[] mean = o.mean() != null ? floats(o.mean(), "mean") : base.mean();
        float[] std = o.std() != null ? floats(o.std(), "std") : base.std();
        return new PreprocessSpec(size, cropPct, squash, mean, std);
    }

    private static float[] floats(List<Double> values, String what) {
        if (values.size() != 3) {
            throw new IllegalArgumentException("preprocess." + what + " needs 3 values (R, G, B)");
        }
        float[] f = new float[3];
        for (int i = 0; i < 3; i++) {
            f[i] = values.get(i).floatValue();
        }
        return f;
    }
}

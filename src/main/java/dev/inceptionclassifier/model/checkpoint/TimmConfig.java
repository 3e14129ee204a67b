package dev.inceptionclassifier.model.checkpoint;

import dev.inceptionclassifier.model.core.InputPreprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a timm {@code config.json} (the file next to {@code model.safetensors} on the Hugging Face hub, written by
 * timm's {@code save_config_for_hf}) says about a model, read the way timm's {@code _hub.py} and
 * {@code resolve_data_config} read it.
 *
 * @param architecture timm architecture name, e.g. {@code inception_v4}
 * @param numClasses classifier outputs: {@code model_args.num_classes}, else the top-level {@code num_classes}, else
 *     {@code pretrained_cfg.num_classes}, else timm's default 1000
 * @param preprocess timm's eval transform for the model (preset {@code timm} with the config's values)
 * @param labelNames class names in class-index order, or {@code null} when the config has none (timm then falls
 *     back to its ImageNet label data)
 */
public record TimmConfig(String architecture, int numClasses, InputPreprocessing preprocess, List<String> labelNames) {

    /** timm's defaults when the pretrained config leaves a value out ({@code timm.data.constants}). */
    static final double DEFAULT_CROP_PCT = 0.875;

    static final float[] IMAGENET_DEFAULT_MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] IMAGENET_DEFAULT_STD = {0.229f, 0.224f, 0.225f};
    static final int DEFAULT_NUM_CLASSES = 1000;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public TimmConfig {
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("architecture is required");
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be positive, got " + numClasses);
        }
        if (labelNames != null) {
            labelNames = List.copyOf(labelNames);
            if (labelNames.size() != numClasses) {
                throw new IllegalArgumentException(labelNames.size() + " label names for " + numClasses + " classes");
            }
        }
    }

    /**
     * Reads {@code configJson}.
     *
     * @throws CheckpointFormatException when the file is not a usable timm config: invalid JSON, no architecture,
     *     or preprocessing this service does not implement (a resize other than bicubic or bilinear, a crop mode
     *     other than center)
     */
    public static TimmConfig read(Path configJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configJson));
        } catch (JacksonException ex) {
            throw new CheckpointFormatException(configJson, "invalid JSON: " + ex.getOriginalMessage(), ex);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(configJson, "not a timm config: the top level is not an object");
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException ex) {
            throw new CheckpointFormatException(configJson, ex.getMessage(), ex);
        }
    }

    private static TimmConfig parse(JsonNode root) {
        // timm's load_model_config_from_hf: a config without pretrained_cfg is the legacy flat form, where the
        // whole object is the pretrained cfg and 'labels' is the old name of 'label_names'.
        JsonNode cfg = root.get("pretrained_cfg");
        boolean legacy = cfg == null;
        if (legacy) {
            cfg = root;
        } else if (!cfg.isObject()) {
            throw new IllegalArgumentException("pretrained_cfg is not an object");
        }
        String architecture = text(root, "architecture");
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("not a timm config: no 'architecture'");
        }

        int numClasses = DEFAULT_NUM_CLASSES;
        JsonNode modelArgs = root.get("model_args");
        if (modelArgs != null && !modelArgs.isNull() && !modelArgs.isObject()) {
            throw new IllegalArgumentException("model_args is not an object");
        }
        if (modelArgs != null && present(modelArgs.get("num_classes"))) {
            numClasses = positiveInt(modelArgs.get("num_classes"), "model_args.num_classes");
        } else if (present(root.get("num_classes"))) {
            numClasses = positiveInt(root.get("num_classes"), "num_classes");
        } else if (present(cfg.get("num_classes"))) {
            numClasses = positiveInt(cfg.get("num_classes"), "pretrained_cfg.num_classes");
        }

        // Top-level label_names override the pretrained cfg's; in the legacy form both are the same object, and
        // there the deprecated 'labels' wins, as in timm.
        JsonNode labels = legacy && present(cfg.get("labels")) ? cfg.get("labels") : root.get("label_names");
        if (!present(labels)) {
            labels = cfg.get("label_names");
        }
        List<String> labelNames = present(labels) ? strings(labels, "label_names") : null;
        if (labelNames != null && labelNames.size() != numClasses) {
            throw new IllegalArgumentException(
                    "label_names has " + labelNames.size() + " entries but the model has " + numClasses + " classes");
        }
        return new TimmConfig(architecture.trim(), numClasses, preprocess(cfg), labelNames);
    }

    /** timm's resolve_data_config for an eval transform, limited to what the image package implements. */
    private static InputPreprocessing preprocess(JsonNode cfg) {
        int inputSize = 299;
        JsonNode input = cfg.get("input_size");
        if (present(input)) {
            if (!input.isArray() || input.size() != 3) {
                throw new IllegalArgumentException("input_size must be [channels, height, width], got " + input);
            }
            int channels = positiveInt(input.get(0), "input_size[0]");
            int height = positiveInt(input.get(1), "input_size[1]");
            int width = positiveInt(input.get(2), "input_size[2]");
            if (channels != 3) {
                throw new IllegalArgumentException(
                        "input_size has " + channels + " channels; only RGB (3) is supported");
            }
            if (height != width) {
                throw new IllegalArgumentException(
                        "input_size " + height + "x" + width + " is not square; only square inputs are supported");
            }
            inputSize = height;
        }
        // timm falls back to bilinear when the cfg names no interpolation; a resize the pipeline does not implement
        // would silently shift every prediction, so refuse rather than guess.
        String interpolation = text(cfg, "interpolation");
        if (interpolation == null) {
            throw new IllegalArgumentException("pretrained_cfg.interpolation is missing (timm then uses bilinear); set"
                    + " it to the filter the model was trained with, 'bicubic' or 'bilinear'");
        }
        interpolation = interpolation.toLowerCase(Locale.ROOT);
        if (!interpolation.equals("bicubic") && !interpolation.equals("bilinear")) {
            throw new IllegalArgumentException("pretrained_cfg.interpolation is '" + interpolation
                    + "'; only 'bicubic' and 'bilinear' (Pillow's, antialiased) are supported");
        }
        double cropPct = DEFAULT_CROP_PCT;
        if (present(cfg.get("crop_pct"))) {
            JsonNode n = cfg.get("crop_pct");
            if (!n.isNumber() || !(n.doubleValue() > 0 && n.doubleValue() <= 1)) {
                throw new IllegalArgumentException("crop_pct must be a number in (0, 1], got " + n);
            }
            cropPct = n.doubleValue();
        }
        String cropMode = text(cfg, "crop_mode");
        boolean squash = false;
        if (cropMode != null && !cropMode.equals("center")) {
            // timm's squash resizes both sides to floor(size / crop_pct) and then crops; that equals the image
            // package's squash only when nothing is cropped.
            if (cropMode.equals("squash") && cropPct == 1.0) {
                squash = true;
            } else {
                throw new IllegalArgumentException("crop_mode '" + cropMode + "' with crop_pct " + cropPct
                        + " is not supported; use 'center' (or 'squash' with crop_pct 1.0)");
            }
        }
        float[] mean = present(cfg.get("mean")) ? floats3(cfg.get("mean"), "mean") : IMAGENET_DEFAULT_MEAN;
        float[] std = present(cfg.get("std")) ? floats3(cfg.get("std"), "std") : IMAGENET_DEFAULT_STD;
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + cfg.get("std"));
            }
        }
        return new InputPreprocessing("timm", inputSize, cropPct, squash, interpolation, mean, std, "config.json");
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull();
    }

    private static String text(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (!present(n)) {
            return null;
        }
        if (!n.isString()) {
            throw new IllegalArgumentException(field + " must be a string, got " + n);
        }
        return n.stringValue();
    }

    private static int positiveInt(JsonNode n, String what) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 1) {
            throw new IllegalArgumentException(what + " must be a positive integer, got " + n);
        }
        return n.intValue();
    }

    private static float[] floats3(JsonNode n, String what) {
        if (!n.isArray() || n.size() != 3) {
            throw new IllegalArgumentException(what + " must hold three numbers (RGB), got " + n);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!n.get(i).isNumber()) {
                throw new IllegalArgumentException(what + " must hold three numbers (RGB), got " + n);
            }
            out[i] = (float) n.get(i).doubleValue();
        }
        return out;
    }

    private static List<String> strings(JsonNode n, String what) {
        if (!n.isArray()) {
            throw new IllegalArgumentException(what + " must be a list of strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (!item.isString()) {
                throw new IllegalArgumentException(what + " must be a list of strings, got " + item);
            }
            out.add(item.stringValue());
        }
        return out;
    }
}

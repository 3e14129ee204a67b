package dev.inceptionclassifier.model.source;

import java.util.Locale;

/**
 * What a model's files must hash to ({@code classifier.models[i].sha256}), and whether a TorchScript file may load
 * without a pin. Digests are 64 hex digits in either case; null or blank means "not pinned".
 *
 * @param weights sha256 of the weights file ({@code model.safetensors}, or the TorchScript file)
 * @param config sha256 of {@code config.json} (timm checkpoints only)
 * @param allowUnpinnedTorchScript load an unpinned TorchScript file, which is code, anyway
 */
public record Pins(String weights, String config, boolean allowUnpinnedTorchScript) {

    /** No pins; an unpinned TorchScript file is refused. */
    public static final Pins NONE = new Pins(null, null, false);

    public Pins {
        weights = normalize(weights);
        config = normalize(config);
    }

    private static String normalize(String sha256) {
        return sha256 == null || sha256.isBlank() ? null : sha256.trim().toLowerCase(Locale.ROOT);
    }

    Pin weightsPin() {
        return weights == null ? null : new Pin(weights, "sha256.weights");
    }

    Pin configPin() {
        return config == null ? null : new Pin(config, "sha256.config");
    }

    /** One file's pin and the property that set it, for messages. */
    record Pin(String sha256, String property) {}
}

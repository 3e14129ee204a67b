package dev.inceptionclassifier.model.source;

import java.nio.file.Path;

/** A model source resolved to local files (downloaded and verified if it was remote), or to random weights. */
public sealed interface ResolvedSource {

    /** What is served, for responses and {@code GET /models}; never contains a token or a query string. */
    String description();

    /** timm's layout: {@code config.json} and {@code model.safetensors}. */
    record TimmCheckpoint(Path configJson, Path weights, String description) implements ResolvedSource {}

    /** A TorchScript file, loaded as a DJL PtSymbolBlock. */
    record TorchScript(Path file, String description) implements ResolvedSource {}

    /**
     * A PyTorch state dict saved with {@code torch.save} ({@code .pth}, or a {@code .pt} that is not TorchScript):
     * data only, read by the restricted unpickler.
     */
    record StateDict(Path file, String description) implements ResolvedSource {}

    /** Seeded random weights (tests, demos, and the no-network fallback). */
    record RandomWeights(long seed) implements ResolvedSource {
        @Override
        public String description() {
            return "random(seed=" + seed + ")";
        }
    }
}

package dev.inceptionclassifier.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The whole {@code classifier.*} configuration tree. Unknown keys are rejected at start-up.
 *
 * @param models the models to serve; the first one is the default for requests that name none
 * @param fallbackToRandom when a model cannot be fetched (no network, empty cache), serve seeded random weights
 *     with a loud warning instead of failing the start; off by default (a missing model fails the start), on in the
 *     {@code dev} profile that {@code ./mvnw spring-boot:run} activates
 * @param offline use only the model cache, never the network
 * @param modelCache folder for downloaded weights and labels (default: ~/.cache/inception-classifier)
 * @param hub Hugging Face hub settings
 * @param labelsBaseUrl base URL of timm's ImageNet label files, used by the {@code imagenet-1k} labels alias
 * @param engine DJL engine settings, applied before the engine loads
 * @param image upload and decode limits
 * @param inference batching, queueing, deadlines and devices
 * @param security optional API-key protection of the classify endpoints
 */
@Validated
@ConfigurationProperties(prefix = "classifier", ignoreUnknownFields = false)
public record ClassifierProperties(
        @NotEmpty @Valid List<ModelProperties> models,
        @DefaultValue("false") boolean fallbackToRandom,
        @DefaultValue("false") boolean offline,
        Path modelCache,
        @Valid @NotNull @DefaultValue Hub hub,

        @NotBlank
        @DefaultValue("https://raw.githubusercontent.com/huggingface/pytorch-image-models/main/timm/data/_info/")
        String labelsBaseUrl,

        @Valid @NotNull @DefaultValue Engine engine,
        @Valid @NotNull @DefaultValue Image image,
        @Valid @NotNull @DefaultValue Inference inference,
        @Valid @NotNull @DefaultValue Security security) {

    /** The model cache folder, defaulting to {@code ~/.cache/inception-classifier}. */
    public Path resolvedModelCache() {
        return modelCache != null
                ? modelCache
                : Path.of(System.getProperty("user.home"), ".cache", "inception-classifier");
    }

    /** The model configured under {@code name}, or null. */
    public ModelProperties model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    @AssertTrue(message = "model names must be unique")
    boolean isModelNamesUnique() {
        return models == null
                || models.stream().map(ModelProperties::name).distinct().count() == models.size();
    }

    /**
     * One served model.
     *
     * @param name the name clients use ({@code ?model=}); letters, digits, '.', '_' and '-'
     * @param architecture {@code inception_v4}, {@code inception_resnet_v2}, {@code inception_v3},
     *     {@code inception_resnet_v1}, {@code googlenet} or {@code bninception}; may be omitted for timm checkpoints
     *     (taken from config.json) and TorchScript files; required for {@code .pth}/{@code .pt} state dicts
     * @param source where the weights come from: {@code hf-hub:<repo>[@rev]}, a folder path or {@code file:} URL, an
     *     {@code https://} folder URL, a path or URL ending in {@code .pth} (a PyTorch state dict) or {@code .pt}
     *     (TorchScript, or a state dict by content), or {@code random}; default:
     *     {@code hf-hub:timm/<architecture>.tf_in1k}
     * @param labels a labels file (one label per line, or {@code index<TAB>synset<TAB>label}), an https URL, or the
     *     alias {@code imagenet-1k}; without it the model's own label names, else {@code class_<index>}
     * @param seed seed of the random weights when the source is {@code random} (or the fallback is used)
     * @param numClasses number of classes for random weights and TorchScript models (timm checkpoints bring their own)
     * @param preprocess overrides of the preprocessing that the checkpoint's config implies
     * @param foldBatchNorm fold every BatchNorm into its convolution at load time (same outputs, faster); the
     *     compiled execution always folds
     * @param sha256 pinned sha256 digests of the weights file and of config.json, checked on download and on every
     *     load
     * @param allowUnpinnedTorchscript load a TorchScript file (which is code) without a {@code sha256.weights} pin
     * @param precision this model's precision, overriding {@code classifier.inference.precision}
     * @param execution this model's execution, overriding {@code classifier.inference.execution}
     */
    public record ModelProperties(
            @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]+") String name,
            String architecture,
            String source,
            String labels,
            @DefaultValue("42") long seed,
            @Min(1) @Max(100_000) Integer numClasses,
            @Valid @NotNull @DefaultValue Preprocess preprocess,
            @DefaultValue("true") boolean foldBatchNorm,
            @Valid @NotNull @DefaultValue Sha256 sha256,
            @DefaultValue("false") boolean allowUnpinnedTorchscript,
            @Pattern(regexp = "fp32|bf16|fp16") String precision,
            @Pattern(regexp = "compiled|eager") String execution) {

        @AssertTrue(
                message = "architecture must be inception_v4, inception_resnet_v2, inception_v3, "
                        + "inception_resnet_v1, googlenet or bninception")
        boolean isArchitectureKnown() {
            return architecture == null
                    || List.of(
                                    "inception_v4",
                                    "inception_resnet_v2",
                                    "inception_v3",
                                    "inception_resnet_v1",
                                    "googlenet",
                                    "bninception")
                            .contains(architecture);
        }
    }

    /**
     * Pinned sha256 digests (64 hex digits, as {@code sha256sum} prints them) of a model's files.
     *
     * @param weights the weights file: {@code model.safetensors} of a timm checkpoint, or the TorchScript file
     * @param config {@code config.json} of a timm checkpoint (it sets the architecture and the preprocessing)
     */
    public record Sha256(
            @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hex digits")
            String weights,

            @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be 64 hex digits")
            String config) {}

    /**
     * Preprocessing overrides; unset values come from the checkpoint's pretrained config (timm), or the preset of the
     * architecture's published weights (state dicts, random weights, TorchScript).
     *
     * @param resizeMode {@code crop} (resize the shorter side to floor(size / crop-pct), then center-crop: timm's eval
     *     transform) or {@code squash} (resize straight to size x size)
     * @param cropPct crop fraction for {@code crop} mode (0.875 for Inception-v4, 0.8975 for Inception-ResNet-v2);
     *     the shorter side is then resized to floor(input-size / crop-pct)
     * @param inputSize square input size in pixels (299 for Inception-v3/v4/IRv2, 224 for GoogLeNet and BN-Inception,
     *     160 for Inception-ResNet-v1)
     * @param mean per-channel mean, in the preset's channel order and value range (RGB in [0, 1] for timm)
     * @param std per-channel standard deviation, in the same units as the mean
     * @param preset the published eval transform to start from: {@code timm}, {@code torchvision}, {@code cadene}
     *     or {@code facenet} (replaces what the checkpoint implies, then the other overrides apply)
     * @param interpolation the resize filter: {@code bicubic} or {@code bilinear} (Pillow's, antialiased)
     */
    public record Preprocess(
            @Pattern(regexp = "crop|squash") String resizeMode,
            @DecimalMin("0.1") @DecimalMax("1.0") Double cropPct,
            @Min(32) @Max(1024) Integer inputSize,
            @Size(min = 3, max = 3) List<Double> mean,
            @Size(min = 3, max = 3) List<@Positive Double> std,

            @Pattern(regexp = "timm|torchvision|cadene|facenet")
            String preset,

            @Pattern(regexp = "bicubic|bilinear") String interpolation) {}

    /**
     * Hugging Face hub access.
     *
     * @param endpoint hub endpoint; the {@code HF_ENDPOINT} environment variable overrides the default
     * @param token bearer token for private repositories; default from {@code HF_TOKEN}; never logged
     * @param connectTimeout connect timeout of downloads
     * @param readTimeout read timeout of downloads
     * @param maxDownloadSize largest file any model download may be (hub or https); a larger one is refused
     */
    public record Hub(
            @NotBlank @DefaultValue("https://huggingface.co")
            String endpoint,

            String token,
            @NotNull @DefaultValue("10s") Duration connectTimeout,
            @NotNull @DefaultValue("60s") Duration readTimeout,
            @NotNull @DefaultValue("1GB") DataSize maxDownloadSize) {

        @AssertTrue(message = "max-download-size must be positive")
        boolean isMaxDownloadSizePositive() {
            return maxDownloadSize == null || maxDownloadSize.toBytes() > 0;
        }

        @Override
        public String toString() {
            return "Hub[endpoint=" + endpoint + ", token=" + (token == null || token.isEmpty() ? "none" : "***") + "]";
        }
    }

    /**
     * DJL PyTorch engine settings, applied as system properties before the engine first loads.
     *
     * @param numThreads intra-op threads per inference ({@code ai.djl.pytorch.num_threads}); default: cores / workers
     * @param numInteropThreads inter-op threads ({@code ai.djl.pytorch.num_interop_threads}); default 1
     * @param graphOptimizer PyTorch JIT graph optimizer ({@code ai.djl.pytorch.graph_optimizer})
     * @param offline never let DJL download native libraries ({@code ai.djl.offline})
     * @param cacheDir DJL cache folder for extracted native libraries ({@code DJL_CACHE_DIR})
     */
    public record Engine(
            @Min(1) @Max(512) Integer numThreads,
            @Min(1) @Max(512) Integer numInteropThreads,
            @DefaultValue("true") boolean graphOptimizer,
            @DefaultValue("true") boolean offline,
            Path cacheDir) {}

    /**
     * Upload and decode limits.
     *
     * @param maxBytes largest accepted upload in bytes (multipart part or raw body)
     * @param maxPixels largest accepted image area (width x height) read from the header before decoding
     * @param maxSide largest accepted width or height
     * @param maxMetadataBytes largest metadata (EXIF, ICC, text chunks) a decoder may read
     * @param maxProgressiveScans most JPEG scans accepted (progressive JPEG CPU bomb guard)
     * @param decodeTimeout longest a single decode may take
     * @param maxImagesPerRequest most images in one request: repeated {@code image} parts of {@code POST /classify},
     *     elements of a v2 inference input ({@code server.tomcat.max-part-count} must leave room for them)
     * @param maxRequestBytes largest request body carrying several images (multipart {@code /classify}, v2 infer);
     *     each image is still held to {@code max-bytes}
     * @param jpegDecoder {@code auto} (libjpeg-turbo's TurboJPEG where its Java binding and library are installed,
     *     else ImageIO), {@code turbojpeg} (the start fails without it) or {@code imageio}
     * @param turbojpegJar TurboJPEG's Java binding (default: {@code /usr/share/java/turbojpeg.jar}, Debian's
     *     {@code libturbojpeg-java})
     * @param turbojpegLibrary TurboJPEG's native library (default: {@code libturbojpeg.so.0} in the usual library
     *     folders, Debian's {@code libturbojpeg0})
     * @param decodeMemoryBudget memory that decoding may hold at once, all requests together: a percentage of the
     *     maximum heap ({@code 50%}) or a size ({@code 512MB}); each upload reserves its worst case from its header
     * @param decodeMemoryWait longest an upload waits for decode memory before it is refused with 503
     * @param uploadTimeout longest the whole request body may take to arrive, counted from the end of its headers
     *     (raw body, multipart or form); a body still arriving then is answered 408. A read blocked at that moment
     *     can last one {@code server.tomcat.connection-timeout} more
     */
    public record Image(
            @Positive @DefaultValue("20971520") long maxBytes,
            @Positive @DefaultValue("40000000") long maxPixels,
            @Positive @DefaultValue("20000") int maxSide,
            @Positive @DefaultValue("4194304") int maxMetadataBytes,
            @Positive @DefaultValue("100") int maxProgressiveScans,
            @NotNull @DefaultValue("10s") Duration decodeTimeout,
            @Min(1) @Max(256) @DefaultValue("16") int maxImagesPerRequest,

            @Positive @Max(Integer.MAX_VALUE - 8) @DefaultValue("67108864")
            long maxRequestBytes,

            @NotBlank @Pattern(regexp = "(?i)auto|turbojpeg|imageio") @DefaultValue("auto")
            String jpegDecoder,

            Path turbojpegJar,
            Path turbojpegLibrary,

            @NotBlank @Pattern(regexp = "([1-9]\\d?|100)%|\\d+(B|KB|MB|GB|TB)") @DefaultValue("50%")
            String decodeMemoryBudget,

            @NotNull @DefaultValue("2s") Duration decodeMemoryWait,
            @NotNull @DefaultValue("60s") Duration uploadTimeout) {

        @AssertTrue(message = "max-request-bytes must be at least max-bytes")
        boolean isRequestLimitAtLeastImageLimit() {
            return maxRequestBytes >= maxBytes;
        }
    }

    /**
     * The batching scheduler.
     *
     * @param device {@code auto} (all visible GPUs, else the CPU), {@code cpu}, {@code gpu}, or a list such as
     *     {@code gpu:0,gpu:1}
     * @param workers workers (each owning one Predictor) per device and model
     * @param maxBatchSize largest batch one worker runs
     * @param maxBatchDelay longest the oldest queued request waits for a batch to fill
     * @param queueCapacity most requests queued per model before new ones are rejected
     * @param requestTimeout default and maximum deadline of a request, counted from acceptance
     * @param rejectStatus HTTP status for a full queue: 503 or 429
     * @param retryAfter value of the Retry-After header on rejections
     * @param precision what the networks compute in: {@code fp32}; {@code bf16} (weights and activations bfloat16,
     *     channels-last) on CPUs with avx512_bf16 or amx_bf16; {@code fp16} on GPUs. Inputs and outputs stay float32
     * @param drainTimeout how long a graceful shutdown waits for accepted requests to complete
     * @param workerStopTimeout how long a shutdown then waits for each model's workers to finish their batch; a
     *     model whose worker does not stop is not freed (its native memory is left to the exiting process)
     * @param stuckBatchMultiple a batch running longer than this many request timeouts counts as stuck: readiness
     *     goes DOWN, and liveness too when every worker of the model is stuck or dead
     * @param execution {@code compiled} (one TorchScript program per model, generated from the architecture's
     *     description) or {@code eager} (the same description as DJL blocks, op by op: the float32 reference mode)
     */
    public record Inference(
            @NotBlank @DefaultValue("auto") String device,
            @Min(1) @Max(64) @DefaultValue("1") int workers,
            @Min(1) @Max(256) @DefaultValue("8") int maxBatchSize,
            @NotNull @DefaultValue("5ms") Duration maxBatchDelay,
            @Min(1) @DefaultValue("64") int queueCapacity,
            @NotNull @DefaultValue("10s") Duration requestTimeout,
            @DefaultValue("503") int rejectStatus,
            @NotNull @DefaultValue("1s") Duration retryAfter,

            @NotBlank @Pattern(regexp = "fp32|bf16|fp16") @DefaultValue("fp32")
            String precision,

            @NotNull @DefaultValue("30s") Duration drainTimeout,
            @NotNull @DefaultValue("10s") Duration workerStopTimeout,
            @Min(1) @Max(1000) @DefaultValue("3") int stuckBatchMultiple,

            @NotBlank @Pattern(regexp = "compiled|eager") @DefaultValue("compiled")
            String execution) {

        @AssertTrue(message = "reject-status must be 503 or 429")
        boolean isRejectStatusValid() {
            return rejectStatus == 503 || rejectStatus == 429;
        }
    }

    /**
     * Optional API-key protection.
     *
     * @param apiKeys accepted values of the {@code X-API-Key} header; empty (the default) turns the check off. When
     *     set, every endpoint needs a key except the health probes ({@code GET /actuator/health}, its
     *     {@code liveness} and {@code readiness} groups)
     * @param openMetrics also leave {@code GET /actuator/prometheus} open, for scrapers that cannot send a key
     */
    public record Security(
            @DefaultValue List<String> apiKeys,
            @DefaultValue("false") boolean openMetrics) {

        @Override
        public String toString() {
            return "Security[apiKeys=" + (apiKeys == null ? 0 : apiKeys.size()) + " configured, openMetrics="
                    + openMetrics + "]";
        }
    }
}

package dev.inceptionclassifier.image;

import dev.inceptionclassifier.image.ImageRejectedException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;

/**
 * Uploaded bytes to model input, safely and exactly as timm's eval transform does it.
 *
 * <p>Decoding sniffs the format from the magic bytes (JPEG, PNG, GIF, BMP, WebP; the client's content type is never
 * consulted), reads the size from the header and refuses it against {@link ImageLimits} before any raster is
 * allocated, counts JPEG scans and metadata, reserves the decode's worst-case memory in the
 * {@link DecodeMemoryBudget} (waiting for room, or refusing), decodes the first frame (JPEG with the configured
 * {@link JpegBackend}; a decoder warning is an error, a decode past the deadline is refused), and reads it as
 * Pillow's {@code convert('RGB')} sees it, upright by its EXIF orientation. Every failure is an
 * {@link ImageRejectedException} with a client-safe message, or a {@link DecodeBusyException}; no decoder exception,
 * colour-management error or allocation failure escapes as such.
 *
 * <p>Preprocessing resizes with Pillow 9.4's antialiased bicubic or bilinear filter (bit-exact fixed point),
 * center-crops as torchvision 0.14 does (or squashes), and normalises into a CHW float32 array, as the
 * {@link PreprocessSpec} says. {@link #prepare} does both under one reservation and reads the decoder's raster in
 * place; {@link #decode} and {@link #preprocess} are the same steps with an upright RGB copy in between.
 *
 * <p>Thread-safe: every call uses its own decoder state.
 */
public final class ImagePipeline {

    private static final String CORRUPT = "the image data is corrupt or truncated";

    private final ImageLimits limits;
    private final ImageDecoder imageIo;
    private final JpegBackend jpeg;
    private final DecodeMemoryBudget budget;

    /** ImageIO for every format and no memory budget: for tests and tools. */
    public ImagePipeline(ImageLimits limits) {
        this(limits, JpegBackend.imageIo(), DecodeMemoryBudget.unlimited());
    }

    public ImagePipeline(ImageLimits limits, JpegBackend jpeg, DecodeMemoryBudget budget) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.jpeg = Objects.requireNonNull(jpeg, "jpeg");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.imageIo = new ImageDecoder(limits);
    }

    /** The JPEG decoder in use: {@code turbojpeg} or {@code imageio}. */
    public String jpegDecoder() {
        return jpeg.name();
    }

    /**
     * Decodes and preprocesses an upload under one memory reservation, reading the decoded raster in place.
     *
     * @throws ImageRejectedException as {@link #decode} does
     * @throws DecodeBusyException when the decode memory budget had no room in time
     */
    public PreparedImage prepare(byte[] bytes, PreprocessSpec spec) {
        long start = System.nanoTime();
        ImageHeader header = scan(bytes);
        boolean swap = swapsAxes(header.orientation());
        ResizePlan plan =
                ResizePlan.of(swap ? header.height() : header.width(), swap ? header.width() : header.height(), spec);
        try (DecodeMemoryBudget.Reservation reservation = budget.reserve(worstCase(header, plan))) {
            PixelView pixels = pixels(header);
            long decoded = System.nanoTime();
            float[] input = preprocess(pixels, plan, spec);
            return new PreparedImage(
                    input,
                    pixels.width(),
                    pixels.height(),
                    header.format().formatName(),
                    decoded - start,
                    System.nanoTime() - decoded);
        }
    }

    /**
     * Decodes an upload to upright 8-bit RGB.
     *
     * @throws ImageRejectedException {@code EMPTY} for no bytes, {@code UNSUPPORTED_FORMAT} for anything that is not
     *     one of the five formats (or a JPEG coding the decoder lacks), {@code TOO_LARGE} for size or pixel limits
     *     and for an image that needs more memory than the whole decode budget, {@code BUDGET_EXCEEDED} for too many
     *     JPEG scans, too much metadata or too long a decode, {@code UNDECODABLE} for corrupt or truncated data
     * @throws DecodeBusyException when the decode memory budget had no room in time
     */
    public DecodedImage decode(byte[] bytes) {
        ImageHeader header = scan(bytes);
        try (DecodeMemoryBudget.Reservation reservation = budget.reserve(worstCase(header, null))) {
            PixelView pixels = pixels(header);
            return new DecodedImage(
                    pixels.width(),
                    pixels.height(),
                    pixels.toRgb(),
                    header.format().formatName());
        }
    }

    /**
     * The model input for {@code image}: CHW float32, {@code 3 * S * S} values with {@code S = spec.inputSize()}.
     */
    public float[] preprocess(DecodedImage image, PreprocessSpec spec) {
        PixelView pixels = PixelView.rgb(image.rgb(), image.width(), image.height());
        return preprocess(pixels, ResizePlan.of(image.width(), image.height(), spec), spec);
    }

    private static float[] preprocess(PixelView pixels, ResizePlan plan, PreprocessSpec spec) {
        int s = plan.size();
        byte[] window = PillowResampler.resize(
                spec.interpolation(),
                pixels,
                plan.resizedWidth(),
                plan.resizedHeight(),
                plan.cropX(),
                plan.cropY(),
                s,
                s);
        return Normalizer.toChw(window, s * s, spec);
    }

    /** Validation and the header scan: everything before memory is reserved. */
    private ImageHeader scan(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "the upload is empty");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejectedException(
                    Reason.TOO_LARGE,
                    "the upload is " + bytes.length + " bytes; at most " + limits.maxBytes() + " bytes are accepted");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageRejectedException(
                    Reason.UNSUPPORTED_FORMAT, "not a supported image; send JPEG, PNG, GIF, BMP or WebP");
        }
        return HeaderScanner.scan(format, bytes, limits);
    }

    /** The bytes {@link #prepare} (with a plan) or {@link #decode} (without) reserves for this header. */
    private static long worstCase(ImageHeader header, ResizePlan plan) {
        if (plan == null) {
            return DecodeMemory.decodeToRgb(header);
        }
        boolean swap = swapsAxes(header.orientation());
        return DecodeMemory.decode(header)
                + DecodeMemory.preprocess(
                        swap ? header.height() : header.width(), swap ? header.width() : header.height(), plan);
    }

    /** What {@link #prepare} ({@code spec} given) or {@link #decode} reserves for {@code bytes}; for tests. */
    long worstCase(byte[] bytes, PreprocessSpec spec) {
        ImageHeader header = scan(bytes);
        if (spec == null) {
            return worstCase(header, null);
        }
        boolean swap = swapsAxes(header.orientation());
        return worstCase(
                header,
                ResizePlan.of(swap ? header.height() : header.width(), swap ? header.width() : header.height(), spec));
    }

    private boolean usesTurboJpeg(ImageHeader header) {
        return header.format() == ImageFormat.JPEG && jpeg.turbo() != null;
    }

    /** Decodes under an already held reservation; the deadline starts now, not while waiting for memory. */
    private PixelView pixels(ImageHeader header) {
        long deadline = System.nanoTime() + limits.decodeTimeout().toNanos();
        try {
            PixelView stored = null;
            if (usesTurboJpeg(header)) {
                TurboJpeg turbo = jpeg.turbo();
                checkDeadline(deadline);
                TurboJpeg.Pixels p = turbo.decode(header.decodeBytes(), header.width(), header.height());
                if (p != null) {
                    // TurboJPEG cannot be interrupted: a decode that overran is refused afterwards, as ImageIO's is
                    checkDeadline(deadline);
                    stored = switch (p.format()) {
                        case RGB -> PixelView.rgb(p.data(), p.width(), p.height());
                        case GRAY -> PixelView.gray(p.data(), p.width(), p.height());
                        case CMYK ->
                            PixelView.rgb(
                                    RgbConverter.cmykToRgb(p.data(), p.width(), p.height()), p.width(), p.height());
                    };
                }
            }
            if (stored == null) {
                stored = imageIoPixels(header, deadline);
            }
            return stored.oriented(header.orientation());
        } catch (ImageRejectedException | DecodeBusyException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            // only reachable without -XX:+ExitOnOutOfMemoryError, i.e. with a budget larger than the heap
            throw new ImageRejectedException(Reason.TOO_LARGE, "the image needs more memory than is available");
        } catch (IOException | RuntimeException | StackOverflowError e) {
            if (header.arithmetic()
                    && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("arithmetic")) {
                // IJG libjpeg 6b, bundled with most JDKs, has no arithmetic decoding; libjpeg-turbo has
                throw new ImageRejectedException(
                        Reason.UNSUPPORTED_FORMAT, "arithmetic-coded JPEGs cannot be decoded by this server", e);
            }
            // decoder and colour-management failures (IIOException, CMMException, IllegalArgumentException,
            // ArrayIndexOutOfBoundsException, NegativeArraySizeException...): their text stays on the server
            throw new ImageRejectedException(Reason.UNDECODABLE, CORRUPT, e);
        }
    }

    private PixelView imageIoPixels(ImageHeader header, long deadline) throws IOException {
        if (header.isCmykJpeg()) {
            Raster raster = imageIo.readRaster(header, deadline);
            int width = raster.getWidth();
            int height = raster.getHeight();
            HeaderScanner.checkSize(width, height, limits);
            return PixelView.rgb(RgbConverter.cmykToRgb(raster, header.adobeTransform() == 2), width, height);
        }
        BufferedImage image = imageIo.read(header, deadline);
        HeaderScanner.checkSize(image.getWidth(), image.getHeight(), limits);
        return RgbConverter.view(image);
    }

    private static void checkDeadline(long deadline) {
        if (System.nanoTime() - deadline > 0) {
            throw new ImageRejectedException(Reason.BUDGET_EXCEEDED, "decoding the image took too long");
        }
    }

    private static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }
}

package dev.inceptionclassifier.image;

/**
 * An upload turned into model input by {@link ImagePipeline#prepare}.
 *
 * @param input CHW float32, {@code 3 * S * S} values with {@code S = spec.inputSize()}
 * @param width upright width of the decoded image
 * @param height upright height of the decoded image
 * @param format the sniffed container format ({@code jpeg}, {@code png}, {@code gif}, {@code bmp}, {@code webp})
 * @param decodeNanos validation, header scan, waiting for decode memory and decoding
 * @param preprocessNanos resize, crop and normalisation
 */
public record PreparedImage(
        float[] input, int width, int height, String format, long decodeNanos, long preprocessNanos) {}

package dev.inceptionclassifier.image;

/**
 * Where the eval transform resizes to and which window it keeps. Crop mode (timm, torchvision and Cadene alike) is
 * torchvision 0.14's {@code Resize(scaleSize)} (shorter side to {@code scaleSize}, longer side
 * {@code int(scaleSize * long / short)}, truncated; an image already at that size is left alone, which is the same
 * as a resize to its own size) followed by {@code CenterCrop(inputSize)} with offsets
 * {@code int(round((size - inputSize) / 2.0))}, Python's round half to even. Squash mode resizes straight to
 * {@code inputSize x inputSize} (facenet's crop resize; timm's squash with crop_pct 1).
 *
 * @param resizedWidth width after the resize
 * @param resizedHeight height after the resize
 * @param cropX left edge of the kept window
 * @param cropY top edge of the kept window
 * @param size side of the kept (square) window
 */
record ResizePlan(int resizedWidth, int resizedHeight, int cropX, int cropY, int size) {

    static ResizePlan of(int width, int height, PreprocessSpec spec) {
        int s = spec.inputSize();
        if (spec.squash()) {
            return new ResizePlan(s, s, 0, 0, s);
        }
        int target = spec.scaleSize();
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        // Python's int(target * long / short): exact product, one correctly rounded division, truncation
        long newLong = (long) ((double) ((long) target * longSide) / shortSide);
        if (newLong > Integer.MAX_VALUE / 4) {
            throw new ImageRejectedException(
                    ImageRejectedException.Reason.TOO_LARGE, "the image's aspect ratio is too extreme");
        }
        int newW = width <= height ? target : (int) newLong;
        int newH = width <= height ? (int) newLong : target;
        int cropX = (int) Math.rint((newW - s) / 2.0);
        int cropY = (int) Math.rint((newH - s) / 2.0);
        return new ResizePlan(newW, newH, cropX, cropY, s);
    }
}

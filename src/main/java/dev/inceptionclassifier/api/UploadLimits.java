package dev.inceptionclassifier.api;

/**
 * What one request may carry, from {@code classifier.image.*}.
 *
 * @param maxImageBytes largest single image
 * @param maxImages most images in one request
 * @param maxRequestBytes largest body of a request with several images (multipart, v2 infer)
 */
record UploadLimits(long maxImageBytes, int maxImages, long maxRequestBytes) {}

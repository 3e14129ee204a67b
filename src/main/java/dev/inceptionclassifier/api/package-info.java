/**
 * The HTTP surface: {@code POST /classify}, {@code GET /models}, RFC 9457 problem responses and the optional API-key
 * filter. Nothing below this package knows about HTTP.
 */
package dev.inceptionclassifier.api;

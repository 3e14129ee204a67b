/**
 * The Open Inference Protocol v2 (KServe v2, Triton's HTTP/REST dialect) as plain values: reading an inference
 * request (JSON, and Triton's binary tensor data extension) within memory bounds, writing an inference response
 * (JSON or binary outputs), Triton's classification strings, and the metadata documents. A leaf: nothing here knows
 * the models, the batcher or Spring; the {@code api} package binds it to them.
 */
package dev.inceptionclassifier.api.v2;

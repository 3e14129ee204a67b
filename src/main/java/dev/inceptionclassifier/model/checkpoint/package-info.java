/**
 * Reading trained weights without Python: timm's {@code model.safetensors} and {@code config.json}, and TorchScript
 * files. Checkpoints are read into plain Java {@link dev.inceptionclassifier.model.HostTensor}s; copying them into a
 * network's parameters is the network's job.
 */
package dev.inceptionclassifier.model.checkpoint;

/**
 * Reading trained weights without Python: timm's {@code model.safetensors} and {@code config.json}, PyTorch
 * {@code .pth}/{@code .pt} state dicts (through a restricted unpickler that executes nothing), and TorchScript files.
 * Checkpoints are read into plain Java {@link dev.inceptionclassifier.model.core.HostTensor}s; copying them into a
 * network's parameters is the network's job.
 */
package dev.inceptionclassifier.model.checkpoint;

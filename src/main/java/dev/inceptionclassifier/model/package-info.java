/**
 * Models: the architectures written once as descriptions ({@code graph}), run either compiled, as a TorchScript program
 * generated from the description ({@code torchscript}, loaded by {@code CompiledNetwork}), or eager, as DJL blocks
 * ({@code arch}); checkpoint readers ({@code checkpoint}), model and label sources with their download cache
 * ({@code source}), the precision checks, and the loader and registry that put them together.
 */
package dev.inceptionclassifier.model;

/**
 * Architecture descriptions: each network written once as an immutable tree of {@link
 * dev.inceptionclassifier.model.graph.Node}s ({@link dev.inceptionclassifier.model.graph.InceptionV4Graph},
 * {@link dev.inceptionclassifier.model.graph.InceptionResNetV2Graph}), from which the checkpoint layout, the output
 * shapes, BatchNorm folding and every backend (DJL blocks, the TorchScript program) are derived. Plain Java: no
 * engine types, and nothing from the packages around it.
 */
package dev.inceptionclassifier.model.graph;

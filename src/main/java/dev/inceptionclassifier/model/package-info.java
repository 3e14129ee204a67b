/**
 * Models: the Inception architectures as DJL Blocks ({@code arch}), checkpoint readers ({@code checkpoint}), model and
 * label sources with their download cache ({@code source}), and the loader and registry that put them together.
 */
package dev.inceptionclassifier.model;

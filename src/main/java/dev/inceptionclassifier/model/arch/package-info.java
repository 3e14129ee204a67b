/**
 * Inception-v4 and Inception-ResNet-v2 as DJL blocks, parameter for parameter like timm, with timm's state-dict
 * names, a strict state-dict loader, optional BatchNorm folding and seeded random weights.
 * {@link dev.inceptionclassifier.model.arch.InceptionNetwork} is the entry point.
 */
package dev.inceptionclassifier.model.arch;

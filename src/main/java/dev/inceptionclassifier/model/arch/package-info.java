/**
 * The eager execution: an architecture's description ({@code model.graph}) as DJL blocks, one operator per JNI
 * call, parameter for parameter like timm, with timm's state-dict names, a strict state-dict loader, optional
 * BatchNorm folding, seeded random weights, and every stage's output reachable for checks.
 * {@link dev.inceptionclassifier.model.arch.InceptionNetwork} is the entry point.
 */
package dev.inceptionclassifier.model.arch;

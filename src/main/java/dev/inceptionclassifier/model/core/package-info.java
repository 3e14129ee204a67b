/**
 * The types that {@code model} and its subpackages share: the architectures this service implements and the
 * host-side tensors checkpoints are read into. A leaf: it depends on {@code model.graph} only, so no subpackage has to
 * import its parent.
 */
package dev.inceptionclassifier.model.core;

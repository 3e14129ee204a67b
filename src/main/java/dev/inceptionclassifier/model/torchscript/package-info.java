/**
 * The compiled backend's program: an architecture description written as TorchScript source
 * ({@link dev.inceptionclassifier.model.torchscript.TorchScriptEmitter}) and packed into the archive libtorch loads
 * ({@link dev.inceptionclassifier.model.torchscript.TorchScriptArchive}). Plain Java: it depends only on
 * {@code model.graph}; loading the archive and its weights through DJL is the model package's job.
 */
package dev.inceptionclassifier.model.torchscript;

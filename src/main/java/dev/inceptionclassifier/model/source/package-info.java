/**
 * Where model files and labels come from: the Hugging Face hub, https folders, local folders and TorchScript files,
 * downloaded into a cache ({@code classifier.model-cache}) keyed by hub commit, where every file is verified
 * against its sha256 record and pins on every load.
 */
package dev.inceptionclassifier.model.source;

/**
 * Where model files and labels come from: the Hugging Face hub, https folders, local folders and TorchScript files,
 * downloaded once into a verified cache ({@code classifier.model-cache}) that later starts reuse without network.
 */
package dev.inceptionclassifier.model.source;

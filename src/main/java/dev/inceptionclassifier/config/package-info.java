/** The validated {@code classifier.*} configuration tree and the wiring of engine, devices, models and images. */
package dev.inceptionclassifier.config;

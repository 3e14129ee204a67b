package dev.inceptionclassifier.model;

import ai.djl.Device;
import java.util.List;

/**
 * Where models are served. Each model's precision is checked against these devices when it loads.
 *
 * @param devices one model copy and {@code workers} workers per device
 */
public record ServingDevices(List<Device> devices) {

    public ServingDevices {
        devices = List.copyOf(devices);
    }

    /** Resolves {@code classifier.inference.device}, refusing GPUs that are not there. */
    public static ServingDevices resolve(String device, int gpuCount) {
        return new ServingDevices(DeviceSpec.resolve(device, gpuCount));
    }
}

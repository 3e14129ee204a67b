package dev.inceptionclassifier.model;

import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * Where models are served and in what precision.
 *
 * @param devices one model copy and {@code workers} workers per device
 * @param dataType FLOAT32, or FLOAT16 on GPUs
 */
public record ServingDevices(List<Device> devices, DataType dataType) {

    /** Resolves {@code classifier.inference.device} and {@code .precision}, refusing combinations that cannot work. */
    public static ServingDevices resolve(String device, String precision, int gpuCount) {
        List<Device> devices = DeviceSpec.resolve(device, gpuCount);
        DataType dataType = switch (precision) {
            case "fp32" -> DataType.FLOAT32;
            case "fp16" -> {
                if (devices.stream().anyMatch(d -> !d.isGpu())) {
                    throw new IllegalArgumentException("classifier.inference.precision=fp16 needs GPU devices only;"
                            + " devices are " + devices + " (use fp32 on the CPU)");
                }
                yield DataType.FLOAT16;
            }
            case "bf16" -> throw new IllegalArgumentException("classifier.inference.precision=bf16 is not supported:"
                    + " DJL 0.36 aborts the JVM when casting to bfloat16; use fp32, or fp16 on GPUs");
            default -> throw new IllegalArgumentException("classifier.inference.precision must be fp32 or fp16, not '"
                    + precision + "'");
        };
        return new ServingDevices(List.copyOf(devices), dataType);
    }
}

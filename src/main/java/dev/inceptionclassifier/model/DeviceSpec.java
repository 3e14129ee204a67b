package dev.inceptionclassifier.model;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** Parses {@code classifier.inference.device}: {@code auto}, {@code cpu}, {@code gpu} or a list like {@code gpu:0,gpu:1}. */
final class DeviceSpec {

    private DeviceSpec() {}

    /**
     * The devices to load models on.
     *
     * @param spec the configured value
     * @param gpuCount GPUs the engine sees
     * @throws IllegalArgumentException for malformed values or GPUs that are not there
     */
    public static List<Device> resolve(String spec, int gpuCount) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return gpuCount > 0 ? gpus(gpuCount) : List.of(Device.cpu());
            case "cpu":
                return List.of(Device.cpu());
            case "gpu":
                requireGpus(gpuCount, 0, spec);
                return gpus(gpuCount);
            default:
                break;
        }
        LinkedHashSet<Device> devices = new LinkedHashSet<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.equals("cpu")) {
                devices.add(Device.cpu());
            } else if (p.matches("gpu:\\d{1,3}")) {
                int id = Integer.parseInt(p.substring(4));
                requireGpus(gpuCount, id, spec);
                devices.add(Device.gpu(id));
            } else {
                throw new IllegalArgumentException("classifier.inference.device: '" + part.trim()
                        + "' is not one of auto, cpu, gpu, gpu:<id>[,gpu:<id>...]");
            }
        }
        return List.copyOf(devices);
    }

    private static List<Device> gpus(int count) {
        List<Device> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(Device.gpu(i));
        }
        return list;
    }

    private static void requireGpus(int gpuCount, int id, String spec) {
        if (id >= gpuCount) {
            throw new IllegalArgumentException("classifier.inference.device=" + spec + " asks for GPU " + id
                    + " but the engine sees " + gpuCount + " GPU(s); use 'auto' or 'cpu'");
        }
    }
}

package dev.inceptionclassifier.model;

import ai.djl.Device;
import java.util.List;

/**
 * Refuses, before anything is loaded, the combinations of precision, execution and device that cannot work or would
 * only run slower than float32; each refusal is one paragraph that says why and what to use instead.
 */
final class PrecisionPolicy {

    private PrecisionPolicy() {}

    /** Throws {@link IllegalArgumentException} with the reason if {@code model} cannot run as asked. */
    static void check(String model, Precision precision, Execution execution, List<Device> devices, CpuFeatures cpu) {
        if (precision == Precision.FP32) {
            return;
        }
        String asked = "Model '" + model + "' asks for precision " + precision + " with execution " + execution;
        if (execution == Execution.EAGER) {
            throw new IllegalArgumentException(asked + ", but the eager execution is the float32 reference mode"
                    + " (DJL's JNI has no bfloat16 and no channels-last layout); use execution compiled for "
                    + precision + ", or precision fp32.");
        }
        if (execution == Execution.TORCHSCRIPT) {
            throw new IllegalArgumentException(asked + ", but a TorchScript file runs as it was exported and"
                    + " receives float32 inputs; put the cast inside the exported program instead and leave the"
                    + " model's precision at fp32.");
        }
        boolean cpuDevice = devices.stream().anyMatch(d -> !d.isGpu());
        if (precision == Precision.FP16 && cpuDevice) {
            throw new IllegalArgumentException(asked + " on " + devices + ", but fp16 runs on GPUs only: CPUs have no"
                    + " fast float16 convolutions. Use fp32, or bf16 on a CPU with avx512_bf16 or amx_bf16.");
        }
        if (precision == Precision.BF16 && !cpuDevice) {
            throw new IllegalArgumentException(
                    asked + " on " + devices + ", but bf16 is the CPU precision here; use fp16 on GPUs.");
        }
        if (precision == Precision.BF16 && !cpu.nativeBf16()) {
            throw new IllegalArgumentException(asked + ", but this CPU does not compute bfloat16 natively: its"
                    + " /proc/cpuinfo flags have neither avx512_bf16 nor amx_bf16 (Intel Cooper Lake or Sapphire"
                    + " Rapids and later, AMD Zen 4 and later have one). libtorch would emulate bf16 in software and"
                    + " run slower than fp32 while losing precision, so the start is refused; use precision fp32 on"
                    + " this machine.");
        }
    }
}

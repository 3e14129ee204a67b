package dev.inceptionclassifier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecisionPolicyTests {

    private static final CpuFeatures AMX = new CpuFeatures(() -> Set.of("avx512f", "avx512_bf16", "amx_bf16"));
    private static final CpuFeatures AVX512_ONLY = new CpuFeatures(() -> Set.of("avx2", "avx512f", "avx512bw"));
    private static final List<Device> CPU = List.of(Device.cpu());
    private static final List<Device> GPU = List.of(Device.gpu(0));

    @Test
    void fp32RunsEverywhereAndEveryWay() {
        for (Execution e : Execution.values()) {
            assertThatCode(() -> PrecisionPolicy.check("m", Precision.FP32, e, CPU, AVX512_ONLY))
                    .doesNotThrowAnyException();
            assertThatCode(() -> PrecisionPolicy.check("m", Precision.FP32, e, GPU, AVX512_ONLY))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void bf16NeedsACpuThatComputesItNatively() {
        assertThatCode(() -> PrecisionPolicy.check("m", Precision.BF16, Execution.COMPILED, CPU, AMX))
                .doesNotThrowAnyException();
        assertThatCode(() -> PrecisionPolicy.check(
                        "m", Precision.BF16, Execution.COMPILED, CPU, new CpuFeatures(() -> Set.of("avx512_bf16"))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PrecisionPolicy.check("v4", Precision.BF16, Execution.COMPILED, CPU, AVX512_ONLY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Model 'v4'")
                .hasMessageContaining("neither avx512_bf16 nor amx_bf16")
                .hasMessageContaining("use precision fp32");
        assertThatThrownBy(() -> PrecisionPolicy.check("v4", Precision.BF16, Execution.COMPILED, GPU, AMX))
                .hasMessageContaining("use fp16 on GPUs");
    }

    @Test
    void fp16IsForGpusOnly() {
        assertThatCode(() -> PrecisionPolicy.check("m", Precision.FP16, Execution.COMPILED, GPU, AVX512_ONLY))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PrecisionPolicy.check("m", Precision.FP16, Execution.COMPILED, CPU, AMX))
                .hasMessageContaining("fp16 runs on GPUs only");
        assertThatThrownBy(() -> PrecisionPolicy.check(
                        "m", Precision.FP16, Execution.COMPILED, List.of(Device.gpu(0), Device.cpu()), AMX))
                .hasMessageContaining("fp16 runs on GPUs only");
    }

    @Test
    void eagerAndTorchScriptFilesRunFloat32Only() {
        for (Precision p : List.of(Precision.BF16, Precision.FP16)) {
            assertThatThrownBy(
                            () -> PrecisionPolicy.check("m", p, Execution.EAGER, p == Precision.BF16 ? CPU : GPU, AMX))
                    .hasMessageContaining("eager execution is the float32 reference mode");
            assertThatThrownBy(() ->
                            PrecisionPolicy.check("m", p, Execution.TORCHSCRIPT, p == Precision.BF16 ? CPU : GPU, AMX))
                    .hasMessageContaining("runs as it was exported");
        }
    }

    @Test
    void configurationValuesParse() {
        assertThat(Precision.parse(" BF16")).isEqualTo(Precision.BF16);
        assertThat(Execution.parse("eager")).isEqualTo(Execution.EAGER);
        assertThatThrownBy(() -> Precision.parse("int8")).hasMessageContaining("[fp32, bf16, fp16]");
        assertThatThrownBy(() -> Execution.parse("torchscript")).hasMessageContaining("compiled or eager");
    }

    @Test
    void cpuFlagsAreReadFromCpuinfo(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, """
                processor\t: 0
                model name\t: Intel(R) Xeon(R) Platinum 8488C
                flags\t\t: fpu sse2 avx2 avx512f amx_bf16 amx_tile
                bugs\t\t: spectre_v1

                processor\t: 1
                flags\t\t: fpu sse2 avx2 avx512f avx512_bf16
                """);
        assertThat(CpuFeatures.parse(cpuinfo))
                .contains("amx_bf16", "avx512_bf16", "avx2")
                .doesNotContain("spectre_v1");
        assertThat(CpuFeatures.parse(dir.resolve("missing"))).isEmpty();
        assertThat(new CpuFeatures(() -> CpuFeatures.parse(cpuinfo)).nativeBf16())
                .isTrue();
    }
}

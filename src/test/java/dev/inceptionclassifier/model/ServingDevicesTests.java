package dev.inceptionclassifier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingDevicesTests {

    @Test
    void autoUsesEveryGpuElseTheCpu() {
        assertThat(DeviceSpec.resolve("auto", 0)).containsExactly(Device.cpu());
        assertThat(DeviceSpec.resolve("auto", 2)).containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(DeviceSpec.resolve("gpu", 1)).containsExactly(Device.gpu(0));
        assertThat(DeviceSpec.resolve("cpu", 4)).containsExactly(Device.cpu());
        assertThat(DeviceSpec.resolve(" gpu:1, gpu:0 ,gpu:1", 2)).containsExactly(Device.gpu(1), Device.gpu(0));
    }

    @Test
    void missingGpusAndTyposAreRefusedWithTheReason() {
        assertThatThrownBy(() -> DeviceSpec.resolve("gpu", 0)).hasMessageContaining("sees 0 GPU");
        assertThatThrownBy(() -> DeviceSpec.resolve("gpu:3", 2)).hasMessageContaining("GPU 3");
        assertThatThrownBy(() -> DeviceSpec.resolve("cuda:0", 2)).hasMessageContaining("'cuda:0'");
    }

    @Test
    void servingDevicesAreTheResolvedSpec() {
        assertThat(ServingDevices.resolve("cpu", 2).devices()).containsExactly(Device.cpu());
        assertThat(ServingDevices.resolve("auto", 2).devices()).containsExactly(Device.gpu(0), Device.gpu(1));
    }

    @Test
    void engineThreadsDefaultToCoresPerWorker() {
        var engine = new EngineSettings(null, null, true, true, null);
        Map<String, String> p = EngineSetup.systemProperties(engine, 2, 8);
        assertThat(p)
                .containsEntry("ai.djl.pytorch.num_threads", "4")
                .containsEntry("ai.djl.pytorch.num_interop_threads", "1")
                .containsEntry("ai.djl.offline", "true")
                .doesNotContainKey("DJL_CACHE_DIR");
        assertThat(EngineSetup.systemProperties(engine, 4, 2)).containsEntry("ai.djl.pytorch.num_threads", "1");
        var explicit = new EngineSettings(3, 2, false, false, java.nio.file.Path.of("/var/cache/djl"));
        assertThat(EngineSetup.systemProperties(explicit, 1, 8))
                .containsEntry("ai.djl.pytorch.num_threads", "3")
                .containsEntry("ai.djl.pytorch.num_interop_threads", "2")
                .containsEntry("ai.djl.pytorch.graph_optimizer", "false")
                .containsEntry("DJL_CACHE_DIR", "/var/cache/djl")
                .containsEntry("ENGINE_CACHE_DIR", "/var/cache/djl");
    }
}

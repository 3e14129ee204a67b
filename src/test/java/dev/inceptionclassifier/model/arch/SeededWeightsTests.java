package dev.inceptionclassifier.model.arch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Random weights make a working network for every architecture: identity BatchNorms, He-normal weights. */
class SeededWeightsTests {

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void everyBatchNormIsTheIdentityAndEveryWeightIsRandom(Architecture arch) {
        // facenet's last_bn and Cadene's conv1_7x7_s2_bn are BatchNorms not named "bn": a zero variance there
        // made every output constant
        Map<String, HostTensor> state =
                InceptionNetwork.randomStateDict(arch.servingGraph(arch.embeddingSize() > 0 ? 0 : 10, false), 42);
        int batchNorms = 0;
        for (var e : state.entrySet()) {
            String key = e.getKey();
            float[] data = e.getValue().data();
            if (key.endsWith("running_var")) {
                batchNorms++;
                String module = key.substring(0, key.length() - "running_var".length());
                assertThat(data).as(key).containsOnly(1f);
                assertThat(state.get(module + "weight").data())
                        .as(module + "weight")
                        .containsOnly(1f);
                assertThat(state.get(module + "bias").data())
                        .as(module + "bias")
                        .containsOnly(0f);
            } else if (e.getValue().shape().length >= 2) {
                boolean random = false;
                for (float v : data) {
                    random |= v != 0;
                }
                assertThat(random).as(key + " is random").isTrue();
            }
        }
        assertThat(batchNorms).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void theSameSeedGivesTheSameWeights(Architecture arch) {
        var graph = arch.servingGraph(arch.embeddingSize() > 0 ? 0 : 10, false);
        var a = InceptionNetwork.randomStateDict(graph, 7);
        var b = InceptionNetwork.randomStateDict(graph, 7);
        var c = InceptionNetwork.randomStateDict(graph, 8);
        String first = a.keySet().iterator().next();
        assertThat(a.get(first).data())
                .isEqualTo(b.get(first).data())
                .isNotEqualTo(c.get(first).data());
    }
}

package dev.inceptionclassifier.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The description's own checks: shapes as PyTorch computes them, and mistakes caught when a network is written. */
class NetworkGraphTests {

    @Test
    void stageShapesOfBothNetworksAreTimms() {
        Map<String, Dims> v4 = InceptionV4Graph.build(1000).outputShapes(299, 299);
        assertThat(v4.get("features.2")).isEqualTo(new Dims(64, 147, 147));
        assertThat(v4.get("features.3")).isEqualTo(new Dims(160, 73, 73));
        assertThat(v4.get("features.10")).isEqualTo(new Dims(1024, 17, 17));
        assertThat(v4.get("features.21")).isEqualTo(new Dims(1536, 8, 8));
        assertThat(v4.get("")).isEqualTo(Dims.flat(1000));
        Map<String, Dims> irv2 = InceptionResNetV2Graph.build(10).outputShapes(299, 299);
        assertThat(irv2.get("mixed_7a")).isEqualTo(new Dims(2080, 8, 8));
        assertThat(irv2.get("conv2d_7b")).isEqualTo(new Dims(1536, 8, 8));
        assertThat(irv2.get("")).isEqualTo(Dims.flat(10));
    }

    @Test
    void foldedWeightsAreOneWeightAndBiasPerLayerAndTheHeadIsSeparate() {
        NetworkGraph g = InceptionResNetV2Graph.build(1000);
        long layers = g.stateDictShapes().keySet().stream()
                .filter(k -> k.endsWith(".weight") && !k.endsWith(".bn.weight"))
                .count();
        assertThat(g.foldedShapes()).hasSize((int) (2 * layers));
        assertThat(g.foldedShapes().keySet()).noneMatch(k -> k.contains(".bn."));
        assertThat(g.headWeights()).containsExactlyInAnyOrder("classif.weight", "classif.bias");
    }

    @Test
    void ceilModePoolsFollowPyTorch() {
        // 112 -> 56 with ceil (55 with floor); a last window starting in the padding is dropped
        assertThat(ShapeInference.size(112, 3, 2, 0, true, "")).isEqualTo(56);
        assertThat(ShapeInference.size(112, 3, 2, 0, false, "")).isEqualTo(55);
        assertThat(ShapeInference.size(14, 2, 2, 0, true, "")).isEqualTo(7);
        assertThat(ShapeInference.size(5, 2, 2, 1, true, "")).isEqualTo(3);
    }

    @Test
    void mistakesInADescriptionAreCaughtWithTheLayerNamed() {
        Node head = Layers.classifier("fc", 8, 2);
        assertThatThrownBy(() -> new NetworkGraph(
                        "Net",
                        3,
                        List.of(
                                new NetworkGraph.Stage("a", Layers.conv1("a", 3, 8)),
                                new NetworkGraph.Stage("b", Layers.conv1("a", 8, 8))),
                        head))
                .hasMessageContaining("duplicate checkpoint keys")
                .hasMessageContaining("a.conv.weight");
        NetworkGraph wrongChannels = new NetworkGraph(
                "Net",
                3,
                List.of(
                        new NetworkGraph.Stage("a", Layers.conv1("a", 3, 8)),
                        new NetworkGraph.Stage("b", Layers.conv1("b", 16, 8))),
                head);
        assertThatThrownBy(() -> wrongChannels.outputShapes(32, 32))
                .hasMessageContaining("b/b.conv")
                .hasMessageContaining("expects 16 channels");
        NetworkGraph badConcat = new NetworkGraph(
                "Net",
                3,
                List.of(new NetworkGraph.Stage(
                        "a", Layers.cat(Layers.conv3s2("a.0", 3, 4), Layers.conv1("a.1", 3, 4)))),
                head);
        assertThatThrownBy(() -> badConcat.outputShapes(32, 32)).hasMessageContaining("concatenated branches differ");
        assertThatThrownBy(() -> Layers.conv1("bad name", 3, 8)).hasMessageContaining("not a module path");
    }
}

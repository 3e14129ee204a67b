package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.inceptionclassifier.model.Execution;
import dev.inceptionclassifier.model.LoadedModel;
import dev.inceptionclassifier.model.ModelLoadException;
import dev.inceptionclassifier.model.ModelLoader;
import dev.inceptionclassifier.model.ModelSettings;
import dev.inceptionclassifier.model.Precision;
import dev.inceptionclassifier.model.arch.InceptionNetwork;
import dev.inceptionclassifier.model.core.Architecture;
import dev.inceptionclassifier.model.core.HostTensor;
import dev.inceptionclassifier.model.core.InputPreprocessing;
import dev.inceptionclassifier.model.core.Task;
import dev.inceptionclassifier.model.source.ModelSourceResolver;
import dev.inceptionclassifier.model.source.ResolvedSource;
import dev.inceptionclassifier.model.source.SourceSettings;
import dev.inceptionclassifier.model.source.TestProps;
import dev.inceptionclassifier.support.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .pth}/{@code .pt} state dicts written by real {@code torch.save} (Debian {@code python3-torch}) load through
 * the model loader and give exactly the outputs of the same weights loaded from timm's safetensors layout. The
 * weights are Inception-v4's seeded random ones, saved with timm's key names, the int64 {@code num_batches_tracked}
 * counters a real {@code state_dict()} has, in the zip format ({@code .pth}) and the legacy one ({@code .pt}).
 */
class PthCheckpointLoadingTests {

    static final int CLASSES = 10;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeCheckpoints() throws IOException {
        Python.assumeModules("torch");
        Map<String, HostTensor> state = InceptionNetwork.randomStateDict(Architecture.INCEPTION_V4, CLASSES, 11);
        Path folder = Files.createDirectories(dir.resolve("timm"));
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        state.forEach((k, t) -> tensors.add(SafetensorsWriter.f32(k, t.shape(), t.data())));
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors);
        Files.writeString(folder.resolve("config.json"), """
                {"architecture": "inception_v4", "num_classes": %d, "pretrained_cfg": {"input_size": [3, 299, 299],
                 "interpolation": "bicubic", "crop_pct": 0.875, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}}
                """.formatted(CLASSES));
        Python.runScript(dir, """
                import collections, json, os, struct, sys
                import numpy as np, torch
                src, out = sys.argv[1], sys.argv[2]
                with open(src, 'rb') as f:
                    n = struct.unpack('<Q', f.read(8))[0]
                    header = json.loads(f.read(n))
                    data = f.read()
                sd = collections.OrderedDict()
                for key, meta in header.items():
                    if key == '__metadata__':
                        continue
                    a, b = meta['data_offsets']
                    sd[key] = torch.from_numpy(np.frombuffer(data[a:b], dtype='<f4').copy()).reshape(meta['shape'])
                    if key.endswith('.running_var'):
                        sd[key[:-len('running_var')] + 'num_batches_tracked'] = torch.tensor(0, dtype=torch.int64)
                torch.save(sd, os.path.join(out, 'v4.pth'))
                torch.save(sd, os.path.join(out, 'v4_legacy.pt'), _use_new_zipfile_serialization=False)
                torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), os.path.join(out, 'scripted.pt'))
                class Payload:
                    def __reduce__(self):
                        return (os.system, ('touch ' + os.path.join(out, 'pwned'),))
                torch.save({'conv.weight': torch.zeros(1), 'x': Payload()}, os.path.join(out, 'hostile.pth'))
                """, folder.resolve("model.safetensors").toString(), dir.toString());
    }

    @Test
    void aStateDictGivesTheSameOutputsAsTheSameWeightsFromSafetensors() throws IOException {
        float[] input = input();
        float[] fromSafetensors = outputs(props("timm", dir.resolve("timm").toString(), null), input);
        assertThat(fromSafetensors).hasSize(2 * CLASSES);
        for (String file : List.of("v4.pth", "v4_legacy.pt")) {
            ModelSettings p = props(file, dir.resolve(file).toString(), "inception_v4");
            try (LoadedModel m = loader().load(p, List.of(Device.cpu()))) {
                assertThat(m.info().numClasses()).isEqualTo(CLASSES);
                assertThat(m.info().tasks()).containsExactly(Task.CLASSIFY);
                assertThat(m.info().weights()).isEqualTo(dir.resolve(file).toString());
                assertThat(m.info().randomWeights()).isFalse();
                assertThat(m.info().preprocess())
                        .isEqualTo(new InputPreprocessing(
                                "timm", 299, 0.875, null, null, null, null, "architecture default"));
                assertThat(m.labels()).startsWith("class_0", "class_1");
                assertThat(run(m, input)).as(file).containsExactly(fromSafetensors);
            }
        }
    }

    @Test
    void contentTellsAStateDictFromTorchScript() {
        ModelSourceResolver resolver = new ModelSourceResolver(
                TestProps.cache(dir.resolve("cache")).offline(true).build());
        assertThat(resolver.resolve(dir.resolve("v4_legacy.pt").toString(), null))
                .isInstanceOf(ResolvedSource.StateDict.class);
        assertThat(resolver.resolve(dir.resolve("v4.pth").toString(), null))
                .isInstanceOf(ResolvedSource.StateDict.class);
        // TorchScript is code: still refused unpinned, as before
        assertThatThrownBy(() -> resolver.resolve(dir.resolve("scripted.pt").toString(), null))
                .hasMessageContaining("allow-unpinned-torchscript");
    }

    @Test
    void aStateDictNeedsItsArchitectureAndAgreeingClasses() {
        String pth = dir.resolve("v4.pth").toString();
        assertThatThrownBy(() -> loader().load(props("noarch", pth, null), List.of(Device.cpu())))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("set classifier.models[].architecture");
        ModelSettings eleven = new ModelSettings(
                "eleven",
                "inception_v4",
                pth,
                null,
                42,
                11,
                null,
                true,
                new ModelSettings.Sha256(null, null),
                false,
                null,
                null);
        assertThatThrownBy(() -> loader().load(eleven, List.of(Device.cpu())))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("num-classes is 11")
                .hasMessageContaining("'last_linear.weight' has 10 rows");
        ModelSettings irv2 = props("irv2", pth, "inception_resnet_v2");
        assertThatThrownBy(() -> loader().load(irv2, List.of(Device.cpu())))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Model 'irv2'")
                .hasMessageContaining("missing");
    }

    @Test
    void aHostileCheckpointFailsTheLoadAndRunsNothing() {
        ModelSettings p = props("hostile", dir.resolve("hostile.pth").toString(), "inception_v4");
        assertThatThrownBy(() -> loader().load(p, List.of(Device.cpu())))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Model 'hostile'")
                .hasMessageContaining("refused global 'posix.system'")
                .hasMessageContaining("nothing was executed");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    private static ModelSettings props(String name, String source, String architecture) {
        return new ModelSettings(
                name,
                architecture,
                source,
                null,
                42,
                null,
                null,
                true,
                new ModelSettings.Sha256(null, null),
                false,
                null,
                null);
    }

    private static ModelLoader loader() {
        SourceSettings p = TestProps.cache(dir.resolve("cache")).offline(true).build();
        return ModelLoader.create(p, false, Precision.FP32.id(), Execution.COMPILED.id());
    }

    private static float[] outputs(ModelSettings p, float[] input) {
        try (LoadedModel m = loader().load(p, List.of(Device.cpu()))) {
            return run(m, input);
        }
    }

    /** Two 299x299 images of seeded noise in the network's input range. */
    private static float[] input() {
        Random r = new Random(5);
        float[] x = new float[2 * 3 * 299 * 299];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static float[] run(LoadedModel m, float[] input) {
        try (Predictor<float[], float[]> p = m.model(Device.cpu()).newPredictor(new NoBatchifyTranslator<>() {
            @Override
            public NDList processInput(TranslatorContext ctx, float[] in) {
                return new NDList(ctx.getNDManager().create(in, new Shape(2, 3, 299, 299)));
            }

            @Override
            public float[] processOutput(TranslatorContext ctx, NDList list) {
                return list.get(0).toFloatArray();
            }
        })) {
            return p.predict(input);
        } catch (ai.djl.translate.TranslateException e) {
            throw new IllegalStateException(e);
        }
    }
}

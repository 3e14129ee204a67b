package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.inceptionclassifier.support.Python;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptLoaderTests {

    /**
     * A tiny classifier (conv + BatchNorm + ReLU + global pool + linear, 10 classes), traced with batch 1 like
     * tools/export_torchscript.py does, then run by PyTorch on a seeded batch of 2 to record the expected logits.
     */
    private static final String EXPORT = """
            import sys
            import torch

            out = sys.argv[1]
            torch.manual_seed(1234)

            class Tiny(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
                    self.bn = torch.nn.BatchNorm2d(8, eps=1e-3)
                    self.fc = torch.nn.Linear(8, 10)

                def forward(self, x):
                    x = torch.relu(self.bn(self.conv(x)))
                    return self.fc(torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1))

            model = Tiny()
            with torch.no_grad():
                # non-default BatchNorm parameters and statistics, so every buffer has to arrive intact
                model.bn.running_mean.uniform_(-0.5, 0.5)
                model.bn.running_var.uniform_(0.5, 2.0)
                model.bn.weight.uniform_(0.5, 1.5)
                model.bn.bias.uniform_(-0.2, 0.2)
            model.eval()
            traced = torch.jit.trace(model, torch.zeros(1, 3, 32, 32))
            traced.save(out + "/tiny-classifier.torchscript")
            x = torch.randn(2, 3, 32, 32)
            with torch.no_grad():
                y = model(x)
            x.numpy().astype("<f4").tofile(out + "/input.f32")
            y.numpy().astype("<f4").tofile(out + "/logits.f32")
            """;

    @TempDir
    Path dir;

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    @Test
    void reproducesPyTorchsLogitsForATracedModel() throws IOException, TranslateException {
        Python.assumeModules("torch");
        Python.runScript(dir, EXPORT, dir.toString());
        float[] input = readFloats(dir.resolve("input.f32"));
        float[] expected = readFloats(dir.resolve("logits.f32"));
        assertThat(expected).hasSize(20);

        float[] actual;
        try (Model model = TorchScriptLoader.load(dir.resolve("tiny-classifier.torchscript"), Device.cpu(), "tiny");
                Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            assertThat(model.getName()).isEqualTo("tiny");
            NDList out = predictor.predict(new NDList(manager.create(input, new Shape(2, 3, 32, 32))));
            assertThat(out.singletonOrThrow().getShape()).isEqualTo(new Shape(2, 10));
            actual = out.singletonOrThrow().toFloatArray();
        }

        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-5f));
        }
    }

    @Test
    void aFileThatIsNotTorchScriptFailsNamingIt() throws IOException {
        Path bogus = dir.resolve("model.pt");
        Files.writeString(bogus, "not a zip archive");

        assertThatThrownBy(() -> TorchScriptLoader.load(bogus, Device.cpu(), "bogus"))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(bogus.toAbsolutePath().toString())
                .hasMessageContaining("not a loadable TorchScript model");
    }

    @Test
    void aMissingFileFailsNamingIt() {
        Path missing = dir.resolve("absent.pt");

        assertThatThrownBy(() -> TorchScriptLoader.load(missing, Device.cpu(), "absent"))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString());
    }
}

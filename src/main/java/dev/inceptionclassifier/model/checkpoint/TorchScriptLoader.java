package dev.inceptionclassifier.model.checkpoint;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a TorchScript file (from {@code torch.jit.trace} or {@code torch.jit.script}, e.g. written by
 * {@code tools/export_torchscript.py}) as a DJL model whose block is a PyTorch {@code PtSymbolBlock}. The block takes
 * one NCHW float32 batch and returns the logits; preprocessing is not part of it.
 */
public final class TorchScriptLoader {

    private TorchScriptLoader() {}

    /**
     * Loads {@code ptFile} onto {@code device}. The caller owns the returned model and must close it.
     *
     * @param ptFile a TorchScript archive; any file name and extension
     * @param device where the parameters live; tensors saved on another device are mapped to it
     * @param name the model's name
     * @throws FileNotFoundException when {@code ptFile} is not a regular file
     * @throws CheckpointFormatException when the file is not TorchScript or libtorch cannot load it
     */
    public static Model load(Path ptFile, Device device, String name) throws IOException {
        Path file = ptFile.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException(file + ": TorchScript file not found");
        }
        Model model = Model.newInstance(name, device, "PyTorch");
        try {
            // Directory plus full file name: DJL then keeps the model's name instead of renaming it after the file,
            // and does not insist on a .pt extension.
            model.load(file.getParent(), file.getFileName().toString(), Map.of("mapLocation", "true"));
            return model;
        } catch (MalformedModelException | EngineException ex) {
            model.close();
            throw new CheckpointFormatException(file, "not a loadable TorchScript model: " + ex.getMessage(), ex);
        } catch (IOException | RuntimeException ex) {
            model.close();
            throw ex;
        }
    }
}

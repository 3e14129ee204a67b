package dev.inceptionclassifier.model.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Tells a TorchScript archive ({@code torch.jit.save}) from a state dict ({@code torch.save}) by content, since both
 * are published as {@code .pt}: a TorchScript archive holds {@code <name>/code/} and {@code <name>/constants.pkl},
 * a state dict only {@code data.pkl} and its tensors, or is in the legacy pickle format. Reads the zip directory only;
 * executes nothing.
 */
final class TorchScriptFiles {

    private TorchScriptFiles() {}

    /**
     * True for a TorchScript archive, and for a file that is neither format (so that the TorchScript loader, which
     * has always handled {@code .pt}, reports what is wrong with it); false for a {@code torch.save} zip without code
     * and for a legacy pickle (a {@code 0x80} pickle PROTO byte first).
     */
    static boolean isTorchScript(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            return true;
        }
        if (head.length >= 1 && (head[0] & 0xff) == 0x80) {
            return false;
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K') {
            return true;
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            boolean dataPkl = false;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                int slash = name.indexOf('/');
                String inner = slash < 0 ? name : name.substring(slash + 1);
                if (inner.equals("constants.pkl") || inner.startsWith("code/")) {
                    return true;
                }
                dataPkl |= inner.equals("data.pkl");
            }
            return !dataPkl;
        } catch (IOException | RuntimeException e) {
            // not a readable zip: the TorchScript loader says what is wrong with it, as it always has
            return true;
        }
    }
}

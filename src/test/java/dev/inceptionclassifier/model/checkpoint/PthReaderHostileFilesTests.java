package dev.inceptionclassifier.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inceptionclassifier.model.core.HostTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PthReader} on hostile and broken checkpoints ({@code pth_hostile.py}): code execution through
 * {@code __reduce__}, truncation, storages and shapes that lie, zip bombs, deep structures. Each must fail with a
 * {@link CheckpointFormatException} naming the file and the problem, and execute nothing. Where torch 1.13's
 * {@code torch.load(weights_only=True)} accepts a file this reader refuses, the test says so. Skipped where Debian's
 * python3-torch is absent.
 */
class PthReaderHostileFilesTests {

    @TempDir
    static Path dir;

    /** torch.load(weights_only=True) on each file: "ok" or its error. */
    private static final Map<String, String> TORCH = new HashMap<>();

    @BeforeAll
    static void writeCheckpoints() throws IOException {
        PthScripts.run(dir, "pth_hostile.py");
        for (String line : Files.readAllLines(dir.resolve("torch.tsv"))) {
            String[] f = line.split("\t", 2);
            TORCH.put(f[0], f[1]);
        }
    }

    private static Path file(String name) {
        return dir.resolve(name);
    }

    private static void assertRefused(Path f, String... fragments) {
        var failure = assertThatThrownBy(() -> PthReader.read(f))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(f.toString());
        for (String fragment : fragments) {
            failure.hasMessageContaining(fragment);
        }
    }

    private static void assertRefused(String name, String... fragments) {
        assertRefused(file(name), fragments);
    }

    // ---- code execution ----

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void refusesOsSystemAndBuiltinsEvalPayloadsWithoutExecutingThem(String format) {
        for (String payload : List.of("system", "eval")) {
            // the payload is real: unrestricted torch.load of the same file aimed at a probe marker ran it
            assertThat(file(payload + "_" + format + "_probe.marker"))
                    .as("probe of " + payload)
                    .exists();
            String global = payload.equals("system") ? "posix.system" : "__builtin__.eval";

            assertRefused(payload + "." + format + ".pth", "refused global '" + global + "'", "nothing was executed");

            assertThat(file(payload + "_" + format + ".marker")).doesNotExist();
            assertThat(TORCH.get(payload + "." + format + ".pth")).contains("Unsupported class " + global);
        }
    }

    @Test
    void refusesWholeModulesNumpyArraysAndTorchScript() {
        assertRefused("whole_module.zip.pth", "refused global 'torch.nn.modules.linear.Linear'");
        assertRefused("whole_module.legacy.pth", "refused global 'torch.nn.modules.linear.Linear'");
        assertRefused("numpy.zip.pth", "refused global 'numpy.core.multiarray._reconstruct'");
        assertRefused("torchscript.pt", "a TorchScript archive (torch.jit.save)");
    }

    @Test
    void theAllowListIsTorchsForDenseStateDicts() throws IOException {
        Set<String> torch = new TreeSet<>(Files.readAllLines(file("allowed_globals.txt")));
        torch.remove("");

        for (String name : torch) {
            int dot = name.lastIndexOf('.');
            assertThat(RestrictedUnpickler.lookup(name.substring(0, dot), name.substring(dot + 1)))
                    .as("torch allows %s", name)
                    .isNotNull();
        }
        Set<String> ours = new TreeSet<>(RestrictedUnpickler.allowedNames());
        ours.removeAll(torch);
        assertThat(ours).containsExactly("torch._utils._rebuild_parameter_with_state");
    }

    // ---- truncation and corruption ----

    @Test
    void truncatedZipArchivesFailClearly() throws IOException {
        byte[] all = Files.readAllBytes(file("good.zip.pth"));
        for (int length : new int[] {all.length / 2, all.length - 10, 100}) {
            Path cut = dir.resolve("cut-" + length + ".zip.pth");
            Files.write(cut, Arrays.copyOf(all, length));

            assertRefused(cut, "truncated zip archive");
        }
    }

    @Test
    void truncatedLegacyFilesFailClearly() throws IOException {
        byte[] all = Files.readAllBytes(file("good.legacy.pth"));
        Path inPickle = dir.resolve("cut-pickle.legacy.pth");
        Files.write(inPickle, Arrays.copyOf(all, 60));
        Path inData = dir.resolve("cut-data.legacy.pth");
        Files.write(inData, Arrays.copyOf(all, all.length - 10));

        assertRefused(inPickle, "truncated: the pickle ends before its STOP opcode");
        assertRefused(inData, "truncated: storage", "but the file has " + (all.length - 10));
    }

    @Test
    void aFlippedBitFailsTheCrcCheckThatTorchSkips() throws IOException {
        assertRefused("crc.zip.pth", "fails its CRC-32 check");
        assertThat(TORCH.get("crc.zip.pth")).isEqualTo("ok");
        assertThat(PthReader.read(file("good.zip.pth"))).containsOnlyKeys("a.weight", "a.bias", "b.weight");
    }

    // ---- storages and shapes that lie ----

    @Test
    void wrongStorageSizesFailNamingTheStorageOrTensor() throws IOException {
        assertThat(PthReader.read(file("crafted_ok.zip.pth")).get("w").data()).hasSize(12); // the control
        assertRefused(
                "storage_short.zip.pth",
                "storage '0' is declared as 12 F32 elements (48 bytes) but its entry holds 40 bytes");
        assertThat(TORCH.get("storage_short.zip.pth")).isEqualTo("ok");
        assertRefused(
                "shape_past_storage.zip.pth", "tensor 'w' needs storage elements up to index 15", "holds only 12");
        assertRefused("offset_past_storage.zip.pth", "tensor 'w' needs storage elements up to index 12");
        assertRefused(
                "numel_beyond_file.zip.pth", "the storage size is 1152921504606846976, not a valid element count");

        assertThat(PthReader.read(file("legacy_ok.legacy.pth")).get("w").data()).hasSize(12);
        assertRefused("legacy_count_mismatch.legacy.pth", "storage 'k1' holds 11 elements but is declared as 12");
        assertRefused("legacy_unknown_key.legacy.pth", "storage 'k9' is listed but no tensor refers to it");
        assertRefused("legacy_missing_key.legacy.pth", "storage 'k1' is referred to but has no data");
        assertThat(TORCH.get("legacy_missing_key.legacy.pth")).isEqualTo("ok"); // torch returns uninitialised memory
    }

    @Test
    void absurdShapesFailBeforeAnythingIsAllocated() {
        assertRefused("negative_size.zip.pth", "tensor 'w' has a negative size or stride");
        assertRefused("negative_stride.zip.pth", "tensor 'w' has a negative size or stride");
        assertRefused("negative_offset.zip.pth", "tensor 'w' has a negative storage offset -1");
        assertRefused("overflow.zip.pth", "tensor 'w' has a shape or stride that overflows");
        assertRefused(
                "too_many_elements.zip.pth",
                "tensor 'w' has 2147483648 elements",
                "more than the 2147483639 a Java array holds");
        assertRefused("too_many_dims.zip.pth", "65 dimensions, more than 64");
        assertRefused("offset_beyond_64_bits.zip.pth", "the storage offset is an integer beyond 64 bits");
    }

    // ---- zip bombs and lying directories ----

    @Test
    void compressedEntriesAndLyingDirectoriesAreRefused() {
        assertRefused("deflated.zip.pth", "is compressed (method 8)", "reads only stored entries");
        assertRefused("huge_declared.zip.pth", "declares 1099511627776 bytes", "past the end of the data region");
        assertRefused("size_into_next.zip.pth", "entries overlap");
        assertRefused("count_lie.zip.pth", "is malformed");
        assertRefused("outside_prefix.zip.pth", "entry 'other/data.pkl' is outside 'good.zip/'");
        assertRefused("no_data_pkl.zip.pth", "no good.zip/data.pkl");
        assertRefused("big_endian.zip.pth", "byteorder is 'big'");
    }

    @Test
    void sharedStoragesCannotAmplifyASmallFileIntoGigabytes() throws IOException {
        // 3000 broadcast views of one 256 KiB storage would be 3e9 floats (12 GB): refused before allocating
        assertRefused("amplification.zip.pth", "its tensors hold more than");
        assertThat(TORCH.get("amplification.zip.pth")).isEqualTo("ok"); // torch's views share the storage

        // a modest broadcast view is fine
        HostTensor b = PthReader.read(file("broadcast_ok.zip.pth")).get("b");
        assertThat(b.shape()).containsExactly(1000);
        assertThat(b.data()).containsOnly(0f);
    }

    // ---- deep structures ----

    @Test
    void deepStructuresNeitherOverflowTheStackNorExhaustMemory() throws IOException {
        // 100,000 nested lists next to the state dict: read iteratively, the state dict comes out
        assertThat(PthReader.read(file("deep_lists.zip.pth")).get("w").data()).hasSize(12);
        assertRefused("deep_tuples.zip.pth", "tuples nested more than 100 deep");
        assertRefused("marks.zip.pth", "more than 1048576 values");
    }

    // ---- containers and objects that are not state dicts ----

    @Test
    void filesThatAreNotStateDictsFailSayingWhatTheyHold() throws IOException {
        assertRefused("list.zip.pth", "holds a list of 1, not a state dict");
        assertRefused("mixed.zip.pth", "'epoch' holds an int, not a tensor", "{'w': tensor, 'epoch': int}");
        assertRefused("bad_wrapper.zip.pth", "'state_dict' does not hold a state dict: it is a list of 1");
        assertRefused("not_torch.legacy.pth", "a pickle without torch.save's magic number");
        assertRefused("legacy_module_pid.legacy.pth", "refused global 'torch.nn.modules.linear.Linear'");
        // like torch, the legacy system info (byte order flag, C type sizes) is not used: storages are little-endian
        assertThat(PthReader.read(file("legacy_big_endian.legacy.pth")).get("w").data())
                .containsExactly(
                        PthReader.read(file("legacy_ok.legacy.pth")).get("w").data());
    }
}

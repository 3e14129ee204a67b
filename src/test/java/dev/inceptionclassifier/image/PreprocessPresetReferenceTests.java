package dev.inceptionclassifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.support.Python;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@link PreprocessPreset} against the reference transform, run at test time by Debian's Pillow 9.4 and
 * torchvision 0.14 on the synthetic images of {@code reference.dir/preprocess} and on four generated ones (a
 * portrait, a 9x6 image that every preset enlarges, and two images whose shorter side already equals torchvision's
 * resize size, so nothing is resized and the crop offset is an exact half: 88.5 and 106.5, rounded to even).
 *
 * <p>The references: torchvision's own {@code GoogLeNet_Weights.IMAGENET1K_V1.transforms()} and
 * {@code Inception_V3_Weights.IMAGENET1K_V1.transforms()}; timm's Inception eval transform as timm 0.9.16 builds it
 * (printed in {@code reference/family/facts.json}); Cadene's {@code TransformImage} with BN-Inception's
 * {@code pretrained_settings}, re-implemented from {@code pretrainedmodels/utils.py} (snapshot 8aae3d8, not installed
 * here; its printed form is {@code cadene_TransformImage_repr} in the facts); facenet-pytorch's
 * {@code extract_face} PIL path ({@code crop} to the whole image, {@code resize((160, 160), BILINEAR)},
 * {@code to_tensor(np.float32(face))}) and {@code fixed_image_standardization}.
 *
 * <p>"Within one uint8 level": for output channel c the size of one level is
 * {@code level_c = (valueRange / 255) / std_c}, what one step of an 8-bit pixel moves the output (1/255/0.229 for
 * torchvision's red plane, 1 for Cadene, 1/128 for facenet, 2/255 for timm's 0.5/0.5). Each value must be within
 * {@code level_c} of the reference (plus 1e-5 of a level for float32 rounding), the mean difference under a tenth of
 * a level, and, stricter than required and what the fixed-point port achieves, the uint8 value recovered from each
 * output ({@code round((x * std_c + mean_c) * 255 / valueRange)}) must equal the reference's everywhere.
 */
class PreprocessPresetReferenceTests {

    private static final String SCRIPT = """
            import sys, json, math
            import numpy as np
            import torch
            from PIL import Image
            import torchvision.transforms as T
            import torchvision.transforms.functional as TF
            from torchvision.models import GoogLeNet_Weights, Inception_V3_Weights
            torch.set_num_threads(1)
            ref_dir, out = sys.argv[1], sys.argv[2]

            def synthetic(w, h):
                # the formula of reference/README.md (preprocess fixture)
                y, x = np.mgrid[0:h, 0:w].astype(np.float64)
                r = np.floor(127.5 + 127.5 * np.sin(0.05 * x + 0.02 * y))
                g = np.floor(127.5 + 127.5 * np.sin(0.031 * x - 0.047 * y + 1))
                b = np.mod(7 * x + 3 * y, 256)
                return Image.fromarray(np.clip(np.stack([r, g, b], -1), 0, 255).astype(np.uint8), 'RGB')

            images = {name: Image.open(f'{ref_dir}/{name}.png').convert('RGB')
                      for name in ('synthetic_1024x768', 'synthetic_600x2000')}
            for w, h in ((333, 517), (9, 6), (401, 256), (512, 342)):
                images[f'generated_{w}x{h}'] = synthetic(w, h)

            # timm 0.9.16 create_transform(resolve_data_config) for inception_v3/v4 tf_in1k (crop_pct 0.875)
            timm = T.Compose([T.Resize(int(math.floor(299 / 0.875)), interpolation=T.InterpolationMode.BICUBIC),
                              T.CenterCrop(299), T.ToTensor(),
                              T.Normalize(mean=torch.tensor([0.5] * 3), std=torch.tensor([0.5] * 3))])

            # Cadene pretrainedmodels.utils (8aae3d8): ToSpaceBGR, ToRange255, TransformImage(opts, scale=0.875)
            class ToSpaceBGR:
                def __init__(self, is_bgr):
                    self.is_bgr = is_bgr
                def __call__(self, tensor):
                    if self.is_bgr:
                        new_tensor = tensor.clone()
                        new_tensor[0] = tensor[2]
                        new_tensor[2] = tensor[0]
                        tensor = new_tensor
                    return tensor

            class ToRange255:
                def __init__(self, is_255):
                    self.is_255 = is_255
                def __call__(self, tensor):
                    if self.is_255:
                        tensor.mul_(255)
                    return tensor

            def transform_image(opts, scale=0.875):
                return T.Compose([T.Resize(int(math.floor(max(opts['input_size']) / scale))),
                                  T.CenterCrop(max(opts['input_size'])), T.ToTensor(),
                                  ToSpaceBGR(opts['input_space'] == 'BGR'), ToRange255(max(opts['input_range']) == 255),
                                  T.Normalize(mean=opts['mean'], std=opts['std'])])

            # pretrained_settings['bninception']['imagenet'], as recorded in reference/family/facts.json
            cadene = transform_image(dict(input_space='BGR', input_size=[3, 224, 224], input_range=[0, 255],
                                          mean=[104, 117, 128], std=[1, 1, 1]))

            # facenet-pytorch 2.5 extract_face (PIL path, margin 0, box = the whole image) + fixed_image_standardization
            def facenet(img, image_size=160):
                face = img.crop((0, 0, img.size[0], img.size[1])).copy().resize((image_size, image_size),
                                                                               Image.BILINEAR)
                face = TF.to_tensor(np.float32(face))
                return (face - 127.5) / 128.0

            transforms = [('TIMM', 299, timm),
                          ('TORCHVISION', 224, GoogLeNet_Weights.IMAGENET1K_V1.transforms()),
                          ('TORCHVISION', 299, Inception_V3_Weights.IMAGENET1K_V1.transforms()),
                          ('CADENE', 224, cadene),
                          ('FACENET', 160, facenet)]
            cases = []
            for name, img in images.items():
                with open(f'{out}/{name}.rgb', 'wb') as fh:
                    fh.write(np.asarray(img).tobytes())
                for preset, size, tf in transforms:
                    tensor = tf(img)
                    assert tensor.dtype == torch.float32 and tuple(tensor.shape) == (3, size, size), tensor.shape
                    tensor_file = f'{name}.{preset}_{size}.f32'
                    with open(f'{out}/{tensor_file}', 'wb') as fh:
                        fh.write(tensor.contiguous().numpy().astype('<f4').tobytes())
                    cases.append(dict(image=name, width=img.size[0], height=img.size[1], rgb=f'{name}.rgb',
                                      preset=preset, size=size, tensor=tensor_file))
            with open(f'{out}/cases.json', 'w') as fh:
                json.dump(cases, fh)
            """;

    private final ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults());

    @TestFactory
    List<DynamicTest> presetsMatchTheirReferenceTransform(@TempDir Path dir) throws Exception {
        String ref = System.getProperty("reference.dir");
        Path fixtures = ref == null ? null : Path.of(ref, "preprocess");
        if (fixtures == null || !Files.isDirectory(fixtures)) {
            return Python.skipped("reference fixture absent (system property reference.dir=" + ref
                    + "); skipping the comparison with the reference transforms");
        }
        String unavailable = Python.unavailable("numpy", "PIL", "torch", "torchvision");
        if (unavailable != null) {
            return Python.skipped(unavailable);
        }
        Python.runScript(dir, SCRIPT, fixtures.toString(), dir.toString());
        JsonNode cases =
                JsonMapper.builder().build().readTree(dir.resolve("cases.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            String name = c.get("image").asString() + " " + c.get("preset").asString() + " "
                    + c.get("size").asInt();
            tests.add(DynamicTest.dynamicTest(name, () -> check(dir, c, name)));
        }
        // 6 images x 5 transforms: every preset on every image
        assertThat(tests).hasSize(30);
        return tests;
    }

    private void check(Path dir, JsonNode c, String name) throws Exception {
        int size = c.get("size").asInt();
        PreprocessSpec spec =
                PreprocessPreset.valueOf(c.get("preset").asString()).spec(size);
        DecodedImage image = new DecodedImage(
                c.get("width").asInt(),
                c.get("height").asInt(),
                Files.readAllBytes(dir.resolve(c.get("rgb").asString())),
                "png");
        float[] actual = pipeline.preprocess(image, spec);

        int plane = size * size;
        float[] expected = new float[3 * plane];
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve(c.get("tensor").asString())))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(expected);
        assertThat(actual).hasSize(expected.length);

        float[] mean = spec.mean();
        float[] std = spec.std();
        double worstLevels = 0;
        double sumLevels = 0;
        int exact = 0;
        int levelMismatches = 0;
        for (int ch = 0; ch < 3; ch++) {
            double level = spec.valueRange() / 255.0 / std[ch];
            for (int i = ch * plane; i < (ch + 1) * plane; i++) {
                double levels = Math.abs(actual[i] - expected[i]) / level;
                worstLevels = Math.max(worstLevels, levels);
                sumLevels += levels;
                if (actual[i] == expected[i]) {
                    exact++;
                }
                if (uint8(actual[i], mean[ch], std[ch], spec) != uint8(expected[i], mean[ch], std[ch], spec)) {
                    levelMismatches++;
                }
            }
        }
        double meanLevels = sumLevels / expected.length;
        System.out.printf(
                "[preset] %s: max |diff| %.3g levels, mean |diff| %.3g levels, bit-identical %d/%d,"
                        + " uint8 levels differing %d%n",
                name, worstLevels, meanLevels, exact, expected.length, levelMismatches);
        assertThat(worstLevels).as("max abs diff in uint8 levels").isLessThanOrEqualTo(1 + 1e-5);
        assertThat(meanLevels).as("mean abs diff in uint8 levels").isLessThan(0.1);
        assertThat(levelMismatches).as("pixels off by a uint8 level").isZero();
    }

    /** The 8-bit pixel an output value stands for. */
    private static long uint8(float x, float mean, float std, PreprocessSpec spec) {
        return Math.round(((double) x * std + mean) * 255.0 / spec.valueRange());
    }
}

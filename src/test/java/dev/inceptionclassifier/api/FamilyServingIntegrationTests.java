package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inceptionclassifier.support.Python;
import dev.inceptionclassifier.support.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole family served side by side, offline, from checkpoints the way their authors publish them, made here by
 * real PyTorch (Debian {@code python3-torch}) before the context starts:
 * <ul>
 * <li>{@code googlenet} and {@code inception_v3}: torchvision's own modules, seeded, saved with {@code torch.save}
 * (zip); GoogLeNet with its {@code aux1}/{@code aux2} heads, as torchvision's published file has them. torchvision's
 * answer for the same photo, through its documented eval transform, is the reference the service must match;</li>
 * <li>{@code bninception} (Cadene) and {@code inception_resnet_v1} (facenet-pytorch), whose code is not installed:
 * seeded values in their exact key layout ({@code <model>.keys.tsv} of the family reference), in the legacy pickle
 * format their published files use; facenet once without {@code logits} (embedding only), once with;</li>
 * <li>{@code inception_v4} as a timm-layout {@code .pth}, {@code inception_resnet_v2} as timm's hub layout
 * ({@code config.json} + {@code model.safetensors}).</li>
 * </ul>
 * Skips with a message where {@code /usr/bin/python3} lacks torch/torchvision or the reference is absent.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.offline=true",
            "classifier.fallback-to-random=false",
            // one worker, batches of one, so warm-up is one forward pass per model
            "classifier.engine.num-threads=2",
            "classifier.inference.workers=1",
            "classifier.inference.max-batch-size=1",
            "classifier.inference.request-timeout=120s"
        })
@DirtiesContext
class FamilyServingIntegrationTests {

    /** name, architecture, source (in the temp folder), labels file or none, task, preset, input size. */
    record Served(
            String name,
            String architecture,
            String source,
            boolean imagenetLabels,
            String task,
            String preset,
            int inputSize) {}

    static final List<Served> MODELS = List.of(
            new Served("googlenet", "googlenet", "googlenet.pth", true, "[\"classify\"]", "torchvision", 224),
            new Served("inception-v3", "inception_v3", "inception_v3.pth", true, "[\"classify\"]", "torchvision", 299),
            new Served("bninception", "bninception", "bninception.pth", true, "[\"classify\"]", "cadene", 224),
            new Served("facenet", "inception_resnet_v1", "facenet.pt", false, "[\"embed\"]", "facenet", 160),
            new Served(
                    "facenet-logits",
                    "inception_resnet_v1",
                    "facenet_logits.pt",
                    false,
                    "[\"classify\",\"embed\"]",
                    "facenet",
                    160),
            new Served("inception-v4", "inception_v4", "inception_v4.pth", false, "[\"classify\"]", "timm", 299),
            new Served(
                    "inception-resnet-v2",
                    "inception_resnet_v2",
                    "inception_resnet_v2",
                    false,
                    "[\"classify\"]",
                    "timm",
                    299));

    static final int FACENET_IDENTITIES = 8631;

    /**
     * Writes the checkpoints into argv[1] and torchvision's logits for argv[1]/photo.jpg into torchvision.json;
     * argv[2] is the reference folder.
     */
    static final String SCRIPT = """
            import collections, json, os, struct, sys
            import numpy as np, torch, torchvision
            from PIL import Image
            from torchvision import transforms as T

            out, ref = sys.argv[1], sys.argv[2]
            torch.set_num_threads(2)
            photo = Image.open(os.path.join(out, 'photo.jpg')).convert('RGB')
            answers = {}

            def torchvision_model(name, builder, resize, crop, aux, seed):
                torch.manual_seed(seed)
                x = T.Compose([T.Resize(resize, interpolation=T.InterpolationMode.BILINEAR), T.CenterCrop(crop),
                               T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])(photo)
                x = x.unsqueeze(0)
                # transform_input=True as torchvision's pretrained builders set it; it has no weights of its own
                m = builder(weights=None, aux_logits=aux, transform_input=True, init_weights=True)
                # init_weights leaves every BN at mean 0, var 1: GoogLeNet's logits come out a few hundredths
                # apart (every class ~1/1000), v3's 1e11 apart. As in trained weights, the BNs get real statistics
                # (one train-mode pass over variants of the photo) and the logits a spread of 2
                for bn in m.modules():
                    if isinstance(bn, torch.nn.BatchNorm2d):
                        bn.momentum = None
                m.train()
                with torch.no_grad():
                    m(torch.cat([x, x.flip(3), x.flip(2), x + torch.randn_like(x)]))
                    m.eval()
                    m.fc.weight.mul_(2.0 / m(x).std())
                    answers[name] = m(x)[0].tolist()
                torch.save(m.state_dict(), os.path.join(out, name + '.pth'))

            def layout(path, keep=lambda key: True, counters=True):
                rows = [line.split() for line in open(path) if line.strip()]
                return [(k, [int(s) for s in r[0].split(',')] if len(r) == 2 else [], r[-1]) for k, *r in rows
                        if keep(k) and (counters or not k.endswith('num_batches_tracked'))]

            def state_dict(rows, seed):
                # He-scaled weights and positive running_var: activations neither vanish nor explode
                g = np.random.default_rng(seed)
                sd = collections.OrderedDict()
                for key, shape, dtype in rows:
                    leaf = key.rsplit('.', 1)[1]
                    if dtype == 'int64':
                        sd[key] = torch.tensor(100, dtype=torch.int64)
                        continue
                    if leaf == 'running_var':
                        v = g.uniform(0.5, 1.5, shape)
                    elif leaf == 'weight' and len(shape) == 1:
                        v = g.uniform(0.8, 1.2, shape)
                    elif leaf in ('bias', 'running_mean'):
                        v = g.normal(0.0, 0.05, shape)
                    else:
                        v = g.normal(0.0, np.sqrt(2.0 / np.prod(shape[1:])), shape)
                    sd[key] = torch.from_numpy(v.astype(np.float32))
                return sd

            def hub_folder(folder, sd, config):
                os.makedirs(folder)
                header, offset = {}, 0
                for k, t in sd.items():
                    end = offset + 4 * t.numel()
                    header[k] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, end]}
                    offset = end
                h = json.dumps(header).encode()
                with open(os.path.join(folder, 'model.safetensors'), 'wb') as f:
                    f.write(struct.pack('<Q', len(h)) + h)
                    for t in sd.values():
                        f.write(t.numpy().astype('<f4').tobytes())
                with open(os.path.join(folder, 'config.json'), 'w') as f:
                    json.dump(config, f)

            torchvision_model('googlenet', torchvision.models.googlenet, 256, 224, True, 1)
            torchvision_model('inception_v3', torchvision.models.inception_v3, 342, 299, False, 2)
            fam = os.path.join(ref, 'family')
            legacy = dict(_use_new_zipfile_serialization=False)
            # Cadene's 2017 file predates num_batches_tracked
            torch.save(state_dict(layout(os.path.join(fam, 'bninception.keys.tsv'), counters=False), 3),
                       os.path.join(out, 'bninception.pth'), **legacy)
            facenet = layout(os.path.join(fam, 'inception_resnet_v1.keys.tsv'))
            torch.save(state_dict([r for r in facenet if not r[0].startswith('logits.')], 4),
                       os.path.join(out, 'facenet.pt'), **legacy)
            torch.save(state_dict(facenet, 5), os.path.join(out, 'facenet_logits.pt'), **legacy)
            torch.save(state_dict(layout(os.path.join(ref, 'inception_v4.keys.tsv')), 6),
                       os.path.join(out, 'inception_v4.pth'))
            hub_folder(os.path.join(out, 'inception_resnet_v2'),
                       state_dict(layout(os.path.join(ref, 'inception_resnet_v2.keys.tsv'), counters=False), 7),
                       {'architecture': 'inception_resnet_v2', 'num_classes': 1000, 'pretrained_cfg': {
                           'input_size': [3, 299, 299], 'interpolation': 'bicubic', 'crop_pct': 0.8975,
                           'mean': [0.5, 0.5, 0.5], 'std': [0.5, 0.5, 0.5]}})
            with open(os.path.join(out, 'torchvision.json'), 'w') as f:
                json.dump(answers, f)
            """;

    @TempDir
    static Path dir;

    static List<String> categories;

    static final byte[] PHOTO = TestImages.jpeg(640, 480, 1);

    @BeforeAll
    static void writeCheckpoints() throws IOException {
        Path reference = Path.of(System.getProperty("reference.dir", "../shared/reference"));
        Path labels = reference.resolve("family/labels/torchvision_imagenet_categories.txt");
        assumeTrue(
                Files.isRegularFile(labels) && Files.isRegularFile(reference.resolve("inception_v4.keys.tsv")),
                "reference not found in " + reference.toAbsolutePath() + " (system property reference.dir); skipping");
        Python.assumeModules("torch", "torchvision");
        categories =
                Files.readAllLines(labels).stream().filter(l -> !l.isBlank()).toList();
        Files.write(dir.resolve("labels.txt"), categories);
        Files.write(dir.resolve("photo.jpg"), PHOTO);
        Python.runScript(dir, SCRIPT, dir.toString(), reference.toAbsolutePath().toString());
    }

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        for (int i = 0; i < MODELS.size(); i++) {
            Served m = MODELS.get(i);
            String p = "classifier.models[" + i + "].";
            registry.add(p + "name", m::name);
            registry.add(p + "architecture", m::architecture);
            // read when the context starts, after @BeforeAll has made the files
            registry.add(p + "source", () -> dir.resolve(m.source()).toString());
            if (m.imagenetLabels()) {
                registry.add(p + "labels", () -> dir.resolve("labels.txt").toString());
            }
        }
    }

    @LocalServerPort
    int port;

    HttpTestClient http;
    static OpenApiDocument doc;

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
        if (doc == null) {
            var r = http.get("/v3/api-docs");
            assertThat(r.status()).isEqualTo(200);
            doc = new OpenApiDocument(r.body());
        }
    }

    @Test
    void modelsListsEveryArchitectureWithItsTaskPresetAndInputSize() {
        var r = http.get("/models");
        assertThat(r.status()).isEqualTo(200);
        assertThat(doc.violations(r.json(), "ModelsResponse")).isEmpty();
        JsonNode models = r.json().get("models");
        assertThat(models).hasSize(MODELS.size());
        for (int i = 0; i < MODELS.size(); i++) {
            Served m = MODELS.get(i);
            JsonNode j = models.get(i);
            assertThat(j.get("name").asString()).isEqualTo(m.name());
            assertThat(j.get("architecture").asString()).as(m.name()).isEqualTo(m.architecture());
            assertThat(j.get("task").toString()).as(m.name()).isEqualTo(m.task());
            assertThat(j.get("randomWeights").asBoolean()).as(m.name()).isFalse();
            assertThat(j.has("warning")).as(m.name()).isFalse();
            assertThat(j.get("inputSize").asInt()).as(m.name()).isEqualTo(m.inputSize());
            assertThat(j.get("preprocessing").get("preset").asString())
                    .as(m.name())
                    .isEqualTo(m.preset());
            assertThat(j.get("weights").asString()).as(m.name()).contains(m.source());
            int classes = switch (m.name()) {
                case "facenet" -> 0;
                case "facenet-logits" -> FACENET_IDENTITIES;
                default -> 1000;
            };
            assertThat(j.get("numClasses").asInt()).as(m.name()).isEqualTo(classes);
            assertThat(j.get("labels").asString())
                    .as(m.name())
                    .isEqualTo(
                            m.imagenetLabels()
                                    ? "labels.txt"
                                    : classes == 0 ? "none (embedding only)" : "class_<index>");
        }
        // the presets' own values, as the docs state them
        JsonNode cadene = models.get(2).get("preprocessing");
        assertThat(cadene.get("channelOrder").asString()).isEqualTo("BGR");
        assertThat(cadene.get("valueRange").asInt()).isEqualTo(255);
        assertThat(models.get(0).get("preprocessing").get("resizeTo").asInt()).isEqualTo(256);
        assertThat(models.get(1).get("preprocessing").get("resizeTo").asInt()).isEqualTo(342);
        assertThat(models.get(3).get("preprocessing").get("resizeMode").asString())
                .isEqualTo("squash");
        assertThat(models.get(6).get("preprocessing").get("source").asString()).isEqualTo("config.json");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "googlenet",
                "inception-v3",
                "bninception",
                "facenet-logits",
                "inception-v4",
                "inception-resnet-v2"
            })
    void eachClassifierClassifiesThePhoto(String name) {
        Served m =
                MODELS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        var r = http.postMultipart("/classify?model=" + name + "&topK=5", "image", "photo.jpg", "image/jpeg", PHOTO);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(doc.violations(json, "ClassifyResponse")).isEmpty();
        assertThat(json.get("model").asString()).isEqualTo(name);
        assertThat(json.get("randomWeights").asBoolean()).isFalse();
        assertThat(json.has("warning")).isFalse();
        JsonNode predictions = json.get("predictions");
        assertThat(predictions).hasSize(5);
        double previous = 1;
        for (JsonNode p : predictions) {
            int index = p.get("index").asInt();
            double probability = p.get("probability").asDouble();
            assertThat(p.get("label").asString())
                    .isEqualTo(m.imagenetLabels() ? categories.get(index) : "class_" + index);
            assertThat(probability).isBetween(0.0, previous);
            previous = probability;
        }
        // a network that computes nothing (all outputs equal) would spread the probability evenly
        int classes = name.equals("facenet-logits") ? FACENET_IDENTITIES : 1000;
        assertThat(predictions.get(0).get("probability").asDouble()).isGreaterThan(2.0 / classes);
    }

    /**
     * The fidelity link: the service's answer for the photo is torchvision's own, through torchvision's documented
     * eval transform (Pillow bilinear resize 256/342, center crop 224/299, ImageNet mean/std) and the module's
     * {@code transform_input}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"googlenet", "inception_v3"})
    void torchvisionNetworksGiveTorchvisionsAnswer(String architecture) throws IOException {
        String name = architecture.replace('_', '-');
        JsonNode all = JsonMapper.builder()
                .build()
                .readTree(dir.resolve("torchvision.json").toFile());
        double[] expected = softmax(all.get(architecture));
        List<Integer> top5 = IntStream.range(0, expected.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -expected[i]))
                .limit(5)
                .toList();

        var r = http.postMultipart("/classify?model=" + name + "&topK=5", "image", "photo.jpg", "image/jpeg", PHOTO);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Integer> indices = new ArrayList<>();
        double worst = 0;
        for (JsonNode p : r.json().get("predictions")) {
            int index = p.get("index").asInt();
            indices.add(index);
            double probability = p.get("probability").asDouble();
            worst = Math.max(worst, Math.abs(probability - expected[index]) / expected[index]);
            assertThat(probability)
                    .as("probability of class %d", index)
                    .isCloseTo(expected[index], within(1e-3 * expected[index] + 1e-7));
        }
        System.out.printf(
                "%s: top-5 %s (torchvision %s), top-1 probability %.6f (torchvision %.6f),"
                        + " worst relative difference %.2e%n",
                name,
                indices,
                top5,
                r.json().get("predictions").get(0).get("probability").asDouble(),
                expected[top5.get(0)],
                worst);
        assertThat(indices).isEqualTo(top5);
    }

    @Test
    void facenetEmbedsAndDoesNotClassify() {
        var r = http.postMultipart("/embed?model=facenet", "image", "photo.jpg", "image/jpeg", PHOTO);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(doc.violations(r.json(), "EmbedResponse")).isEmpty();
        assertThat(r.json().get("randomWeights").asBoolean()).isFalse();
        double[] embedding = doubles(r.json().get("embedding"));
        assertThat(embedding).hasSize(512);
        assertThat(norm(embedding)).isCloseTo(1.0, within(1e-5));
        assertThat(embedding).as("not a constant vector").doesNotHaveDuplicates();

        var classify = http.postMultipart("/classify?model=facenet", "image", "photo.jpg", "image/jpeg", PHOTO);
        assertThat(classify.status()).isEqualTo(400);
        assertThat(classify.contentType()).startsWith("application/problem+json");
        assertThat(classify.json().get("type").asString())
                .isEqualTo("https://inception-classifier.dev/problems/unsupported-task");
    }

    @Test
    void facenetWithLogitsAlsoEmbeds() {
        var r = http.postRaw("/embed?model=facenet-logits", "image/jpeg", PHOTO);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        double[] embedding = doubles(r.json().get("embedding"));
        assertThat(embedding).hasSize(512);
        assertThat(norm(embedding)).isCloseTo(1.0, within(1e-5));
        // other weights, another embedding
        double[] other = doubles(
                http.postRaw("/embed?model=facenet", "image/jpeg", PHOTO).json().get("embedding"));
        assertThat(embedding).isNotEqualTo(other);
    }

    @Test
    void classifiersDoNotEmbed() {
        for (String name : List.of("googlenet", "bninception", "inception-resnet-v2")) {
            var r = http.postRaw("/embed?model=" + name, "image/jpeg", PHOTO);
            assertThat(r.status()).as(name).isEqualTo(400);
            assertThat(r.json().get("type").asString()).as(name).endsWith("/unsupported-task");
        }
    }

    private static double[] softmax(JsonNode logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (JsonNode v : logits) {
            max = Math.max(max, v.asDouble());
        }
        double[] p = new double[logits.size()];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits.get(i).asDouble() - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}

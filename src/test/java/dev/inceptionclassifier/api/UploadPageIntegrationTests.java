package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.FileChooser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.inceptionclassifier.support.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The upload page at {@code /} in a real headless Chromium (Debian's {@code /usr/bin/chromium}, driven by Playwright),
 * against the whole service on a random port: two classifiers on seeded random weights at a small input size, two
 * Inception-ResNet-v1 face models (one embeds only, one also classifies), an API key configured. The browser tests skip where Chromium is absent; the header checks run everywhere.
 */
@Import(HardeningIntegrationTests.Faults.class) // a cyan image fails its batch as a native out-of-memory would
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.fallback-to-random=false",
            "classifier.security.api-keys=page-test-key",
            "classifier.inference.request-timeout=120s",
            "classifier.inference.retry-after=3s",
            "classifier.image.max-bytes=2000000"
        })
class UploadPageIntegrationTests {

    /** Debian's Chromium; {@code -Dchromium.path=...} points elsewhere (or nowhere, to see the skip). */
    private static final Path CHROMIUM = Paths.get(System.getProperty("chromium.path", "/usr/bin/chromium"));

    private static final String KEY = "page-test-key";
    private static final Path SCREENSHOTS = Paths.get("target", "upload-page");

    @TempDir
    static Path files;

    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    HttpTestClient http;
    String base;
    BrowserContext context;
    Page page;
    final List<String> requests = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) throws IOException {
        // Labels with markup in them: the page must show them as text, never parse them.
        Path labels = files.resolve("labels.txt");
        Files.write(
                labels,
                IntStream.range(0, 1000)
                        .mapToObj(i -> "<b>label</b> " + i + " & co")
                        .toList());
        registry.add("classifier.models[0].name", () -> "inception_v4");
        registry.add("classifier.models[0].architecture", () -> "inception_v4");
        registry.add("classifier.models[0].source", () -> "random");
        registry.add("classifier.models[0].labels", labels::toString);
        registry.add("classifier.models[0].preprocess.input-size", () -> "139");
        registry.add("classifier.models[1].name", () -> "inception_resnet_v2");
        registry.add("classifier.models[1].architecture", () -> "inception_resnet_v2");
        registry.add("classifier.models[1].source", () -> "random");
        registry.add("classifier.models[1].seed", () -> "7");
        registry.add("classifier.models[1].preprocess.input-size", () -> "139");
        // Random facenet weights without num-classes embed only; with them the model serves both tasks.
        registry.add("classifier.models[2].name", () -> "faces");
        registry.add("classifier.models[2].architecture", () -> "inception_resnet_v1");
        registry.add("classifier.models[2].source", () -> "random");
        registry.add("classifier.models[3].name", () -> "faces_ids");
        registry.add("classifier.models[3].architecture", () -> "inception_resnet_v1");
        registry.add("classifier.models[3].source", () -> "random");
        registry.add("classifier.models[3].seed", () -> "3");
        registry.add("classifier.models[3].num-classes", () -> "10");
    }

    @BeforeAll
    static void launch() {
        if (!Files.isExecutable(CHROMIUM)) {
            return;
        }
        // Inference on a busy CI machine can take seconds; these waits bound a hang, they measure nothing.
        PlaywrightAssertions.setDefaultAssertionTimeout(90_000);
        // The driver comes from the jar; the browser is Debian's, so nothing is downloaded.
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        // launch() gives every run a fresh temporary profile (user-data-dir).
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run")));
    }

    @AfterAll
    static void close() {
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void open() {
        http = new HttpTestClient(port);
        base = "http://127.0.0.1:" + port;
        if (browser == null) {
            return;
        }
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 860));
        context.setDefaultTimeout(90_000);
        page = context.newPage();
        page.onRequest((Request r) -> requests.add(r.url()));
        // Records every CSP violation the page causes.
        page.addInitScript("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                + " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    // ---- without a browser ----

    @Test
    void thePageAndItsAssetsNeedNoKeyAndCarryTheSecurityHeaders() {
        for (String path : List.of("/", "/index.html", "/assets/app.js", "/assets/app.css", "/assets/favicon.svg")) {
            var r = http.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(header(r, "Content-Security-Policy")).as(path).isEqualTo(SecurityHeadersFilter.PAGE_POLICY);
            assertThat(header(r, "X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(header(r, "X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(header(r, "Referrer-Policy")).as(path).isEqualTo("no-referrer");
        }
        assertThat(http.get("/").contentType()).startsWith("text/html");
        assertThat(http.get("/assets/app.js").contentType()).contains("javascript");
        assertThat(http.get("/assets/app.css").contentType()).startsWith("text/css");

        // No inline script, style or event handler: the CSP would block them.
        String html = http.get("/").body();
        assertThat(html)
                .doesNotContainPattern("<script(?![^>]*\\ssrc=)")
                .doesNotContain("<style")
                .doesNotContainPattern("\\sstyle=")
                .doesNotContainPattern("\\son[a-z]+=")
                .doesNotContainPattern("(src|href)=\"(https?:)?//");

        // API answers, including a refusal by the key check, are never documents.
        var denied = http.postRaw("/classify", "image/jpeg", TestImages.jpeg(64, 64, 1));
        assertThat(denied.status()).isEqualTo(401);
        for (var r : List.of(denied, http.get("/models"), http.get("/no-such-path"))) {
            assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(header(r, "Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.API_POLICY);
            assertThat(header(r, "X-Frame-Options")).isEqualTo("DENY");
        }
    }

    // ---- in the browser ----

    @Test
    void uploadsAJpegAndShowsTheSameClassesAsTheApi() throws IOException {
        assumeBrowser();
        byte[] jpeg = TestImages.jpeg(640, 480, 5);
        Path photo = write("photo.jpg", jpeg);
        JsonNode api = http.postRaw(
                        "/classify?model=inception_resnet_v2&topK=7", "image/jpeg", jpeg, ApiKeyFilter.HEADER, KEY)
                .json();

        page.navigate(base + "/");
        page.fill("#apikey", KEY);
        page.press("#apikey", "Enter");
        PlaywrightAssertions.assertThat(page.locator("#model")).isEnabled();
        page.selectOption("#model", "inception_resnet_v2");
        PlaywrightAssertions.assertThat(page.locator("#model-warning")).containsText("random weights");
        page.fill("#topk", "7");
        FileChooser chooser = page.waitForFileChooser(() -> page.click("#pick"));
        chooser.setFiles(photo);

        Locator items = page.locator("#predictions li");
        PlaywrightAssertions.assertThat(items).hasCount(7);
        JsonNode predictions = api.get("predictions");
        for (int i = 0; i < 7; i++) {
            JsonNode p = predictions.get(i);
            Locator item = items.nth(i);
            assertThat(item.locator(".label").textContent())
                    .isEqualTo(p.get("label").asString());
            assertThat(item.locator(".index").textContent())
                    .isEqualTo("class " + p.get("index").asInt());
            String pct = item.locator(".pct").textContent();
            assertThat(Double.parseDouble(pct.replace(" %", "")))
                    .as(pct)
                    .isCloseTo(100 * p.get("probability").asDouble(), within(0.0051));
            double width = ((Number) item.locator(".fill")
                            .evaluate("e => e.getBoundingClientRect().width"
                                    + " / e.parentElement.getBoundingClientRect().width"))
                    .doubleValue();
            assertThat(width)
                    .as("bar %d", i)
                    .isCloseTo(Math.max(p.get("probability").asDouble(), 0), within(0.01));
        }
        PlaywrightAssertions.assertThat(page.locator("#result-warning"))
                .hasText(api.get("warning").asString());
        String details = page.locator("#details").innerText();
        assertThat(details)
                .contains(
                        "inception_resnet_v2",
                        api.get("weights").asString(),
                        "Batch size",
                        "Inference",
                        "Total",
                        " ms");
        assertThat(page.locator("#status").getAttribute("aria-live")).isEqualTo("polite");
        PlaywrightAssertions.assertThat(page.locator("#status"))
                .containsText(predictions.get(0).get("label").asString());
        assertThat(page.locator("#preview-img").evaluate("img => img.naturalWidth"))
                .isEqualTo(640);
        PlaywrightAssertions.assertThat(page.locator("#error")).isHidden();

        assertTextContrast();
        screenshot("upload-page.png");
        assertSameOriginAndNoCspViolation();
    }

    @Test
    void markupInALabelIsShownAsTextAndADroppedFileIsClassified() {
        assumeBrowser();
        byte[] jpeg = TestImages.jpeg(300, 200, 6);
        JsonNode api = http.postRaw("/classify?model=inception_v4&topK=3", "image/jpeg", jpeg, ApiKeyFilter.HEADER, KEY)
                .json();

        page.navigate(base + "/");
        page.fill("#apikey", KEY);
        page.press("#apikey", "Enter");
        PlaywrightAssertions.assertThat(page.locator("#model")).isEnabled();
        page.fill("#topk", "3");
        page.locator("#drop")
                .evaluate(
                        "(zone, b64) => {"
                                + " const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));"
                                + " const dt = new DataTransfer();"
                                + " dt.items.add(new File([bytes], 'dropped.jpg', {type: 'image/jpeg'}));"
                                + " for (const type of ['dragenter', 'dragover', 'drop'])"
                                + "   zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));"
                                + "}",
                        Base64.getEncoder().encodeToString(jpeg));

        Locator labels = page.locator("#predictions li .label");
        PlaywrightAssertions.assertThat(labels).hasCount(3);
        List<String> expected = new ArrayList<>();
        api.get("predictions").forEach(p -> expected.add(p.get("label").asString()));
        assertThat(labels.allTextContents()).isEqualTo(expected);
        assertThat(expected.get(0)).startsWith("<b>label</b> ").endsWith(" & co");
        assertThat(page.locator("#predictions b").count()).isZero();
        PlaywrightAssertions.assertThat(page.locator("#filename")).containsText("dropped.jpg");
        assertSameOriginAndNoCspViolation();
    }

    /**
     * {@code precision} and {@code execution} are shown when an answer carries them (a string or an object) and
     * left out when it does not. Each answer is the server's own for the same image and query (Chromium does not
     * hand an intercepted multipart body with a file back to the test, so the test asks the server itself), with the
     * two fields added where the server does not send them yet, then removed.
     */
    @Test
    void showsPrecisionAndExecutionWhenTheAnswerCarriesThem() throws IOException {
        assumeBrowser();
        byte[] jpeg = TestImages.jpeg(256, 256, 4);
        List<JsonNode> answers = new CopyOnWriteArrayList<>();
        page.route("**/classify**", route -> {
            ObjectNode json = serverAnswer(route, jpeg);
            if (!json.has("precision")) {
                json.put("precision", "fp16");
            }
            if (!json.has("execution")) {
                json.putObject("execution").put("backend", "torchscript").put("device", "cpu");
            }
            answers.add(json);
            route.fulfill(new Route.FulfillOptions()
                    .setStatus(200)
                    .setContentType("application/json")
                    .setBody(json.toString()));
        });
        page.navigate(base + "/");
        page.fill("#apikey", KEY);
        page.waitForFileChooser(() -> page.click("#pick")).setFiles(write("fields.jpg", jpeg));
        PlaywrightAssertions.assertThat(page.locator("#predictions li")).hasCount(5);
        JsonNode answer = answers.get(0);
        List<String> details = page.locator("#details > *").allTextContents();
        assertThat(details).containsSubsequence("Precision", describe(answer.get("precision")));
        assertThat(details).containsSubsequence("Execution", describe(answer.get("execution")));

        page.unrouteAll();
        page.route("**/classify**", route -> {
            ObjectNode json = serverAnswer(route, jpeg);
            json.remove(List.of("precision", "execution"));
            route.fulfill(new Route.FulfillOptions()
                    .setStatus(200)
                    .setContentType("application/json")
                    .setBody(json.toString()));
        });
        page.fill("#topk", "4");
        page.click("#classify");
        PlaywrightAssertions.assertThat(page.locator("#predictions li")).hasCount(4);
        assertThat(page.locator("#details").innerText())
                .doesNotContain("Precision", "Execution")
                .contains("Total");
    }

    /**
     * An embedding-only model, driven by the keyboard once the key is in: the task choice and top-k are not offered,
     * the photo goes to {@code /embed} (never {@code /classify}), and the page shows the server's embedding.
     */
    @Test
    void anEmbeddingOnlyModelShowsTheEmbeddingFromTheKeyboard() throws IOException {
        assumeBrowser();
        byte[] jpeg = TestImages.jpeg(480, 480, 11);
        Path photo = write("face.jpg", jpeg);
        JsonNode api = http.postRaw("/embed?model=faces", "image/jpeg", jpeg, ApiKeyFilter.HEADER, KEY)
                .json();
        assertThat(api.get("embedding")).hasSize(512);
        List<FileChooser> choosers = new CopyOnWriteArrayList<>();
        page.onFileChooser(choosers::add);
        context.grantPermissions(List.of("clipboard-read", "clipboard-write"));

        page.navigate(base + "/");
        page.fill("#apikey", KEY);
        page.press("#apikey", "Enter");
        PlaywrightAssertions.assertThat(page.locator("#model")).isEnabled();
        page.focus("#model");
        for (int i = 0; i < 4 && !"faces".equals(page.inputValue("#model")); i++) {
            page.keyboard().press("ArrowDown");
        }
        PlaywrightAssertions.assertThat(page.locator("#model")).hasValue("faces");
        PlaywrightAssertions.assertThat(page.locator("#model-info")).containsText("embedding only");
        PlaywrightAssertions.assertThat(page.locator("#model-warning")).containsText("random weights");
        PlaywrightAssertions.assertThat(page.locator("#task-field")).isHidden();
        PlaywrightAssertions.assertThat(page.locator("#topk-field")).isHidden();
        PlaywrightAssertions.assertThat(page.locator("#classify")).hasText("Embed");
        // Hidden fields leave the tab order: model, API key, picker.
        page.keyboard().press("Tab");
        PlaywrightAssertions.assertThat(page.locator("#apikey")).isFocused();
        page.keyboard().press("Tab");
        PlaywrightAssertions.assertThat(page.locator("#pick")).isFocused();
        page.keyboard().press("Enter");
        page.waitForCondition(() -> choosers.size() == 1);
        choosers.get(0).setFiles(photo);

        PlaywrightAssertions.assertThat(page.locator("#embedding-summary")).hasText("512-d embedding, L2 norm 1.000");
        PlaywrightAssertions.assertThat(page.locator("#error")).isHidden();
        PlaywrightAssertions.assertThat(page.locator("#predictions li")).hasCount(0);
        PlaywrightAssertions.assertThat(page.locator("#embedding-head")).hasText("First 8 of 512 values:");
        String shown = page.locator("#embedding-values").textContent();
        assertThat(shown).startsWith("[").endsWith(", …]");
        String[] values = shown.substring(1, shown.length() - 4).split(", ");
        assertThat(values).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(Double.parseDouble(values[i]))
                    .as("value %d", i)
                    .isCloseTo(api.get("embedding").get(i).asDouble(), within(0.00006));
        }
        PlaywrightAssertions.assertThat(page.locator("#result-warning"))
                .hasText(api.get("warning").asString());
        assertThat(page.locator("#details").innerText())
                .contains("faces", api.get("weights").asString(), "Batch size", "Inference", "Total", " ms");
        PlaywrightAssertions.assertThat(page.locator("#status")).containsText("faces: 512-d embedding");
        assertThat(requests)
                .anyMatch(u -> u.startsWith(base + "/embed?model=faces"))
                .noneMatch(u -> u.contains("/classify"));

        // Tab on to the copy button; Enter copies all 512 values as a JSON array.
        page.keyboard().press("Tab");
        PlaywrightAssertions.assertThat(page.locator("#classify")).isFocused();
        page.keyboard().press("Tab");
        PlaywrightAssertions.assertThat(page.locator("#copy")).isFocused();
        page.keyboard().press("Enter");
        PlaywrightAssertions.assertThat(page.locator("#copy-status")).hasText("Copied 512 values.");
        String clipboard = (String) page.evaluate("() => navigator.clipboard.readText()");
        JsonNode copied = JsonMapper.builder().build().readTree(clipboard);
        assertThat(copied).hasSize(512);
        for (int i = 0; i < 512; i++) {
            assertThat(copied.get(i).asDouble())
                    .isEqualTo(api.get("embedding").get(i).asDouble());
        }

        assertTextContrast();
        screenshot("upload-page-embed.png");
        assertSameOriginAndNoCspViolation();
    }

    /** A model serving both tasks offers the choice, classifies by default and embeds when asked. */
    @Test
    void aModelServingBothTasksLetsTheUserPick() throws IOException {
        assumeBrowser();
        byte[] jpeg = TestImages.jpeg(320, 320, 12);
        JsonNode api = http.postRaw("/embed?model=faces_ids", "image/jpeg", jpeg, ApiKeyFilter.HEADER, KEY)
                .json();

        page.navigate(base + "/");
        page.fill("#apikey", KEY);
        page.press("#apikey", "Enter");
        PlaywrightAssertions.assertThat(page.locator("#model")).isEnabled();
        page.selectOption("#model", "faces_ids");
        PlaywrightAssertions.assertThat(page.locator("#task-field")).isVisible();
        PlaywrightAssertions.assertThat(page.locator("#task")).hasValue("classify");
        PlaywrightAssertions.assertThat(page.locator("#classify")).hasText("Classify");
        page.waitForFileChooser(() -> page.click("#pick")).setFiles(write("both.jpg", jpeg));
        PlaywrightAssertions.assertThat(page.locator("#predictions li")).hasCount(5);
        PlaywrightAssertions.assertThat(page.locator("#embedding")).isHidden();
        assertThat(requests).anyMatch(u -> u.startsWith(base + "/classify?model=faces_ids&topK=5"));

        page.selectOption("#task", "embed");
        PlaywrightAssertions.assertThat(page.locator("#topk-field")).isHidden();
        PlaywrightAssertions.assertThat(page.locator("#classify")).hasText("Embed");
        PlaywrightAssertions.assertThat(page.locator("#embedding-summary")).hasText("512-d embedding, L2 norm 1.000");
        PlaywrightAssertions.assertThat(page.locator("#predictions li")).hasCount(0);
        PlaywrightAssertions.assertThat(page.locator("#error")).isHidden();
        String first = String.format(
                Locale.ROOT, "[%.4f, ", api.get("embedding").get(0).asDouble());
        assertThat(page.locator("#embedding-values").textContent()).startsWith(first);
        assertThat(requests).anyMatch(u -> u.equals(base + "/embed?model=faces_ids"));
        assertSameOriginAndNoCspViolation();
    }

    /** The server's answer for these image bytes, with the query and key the page sent. */
    private ObjectNode serverAnswer(Route route, byte[] image) {
        String url = route.request().url();
        var r = http.postRaw(
                url.substring(base.length()),
                "image/jpeg",
                image,
                ApiKeyFilter.HEADER,
                route.request().headers().get("x-api-key"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return (ObjectNode) r.json();
    }

    /** What the page shows for a value: text as is, an object as "key: value" pairs. */
    private static String describe(JsonNode v) {
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.properties().forEach(e -> parts.add(e.getKey() + ": " + describe(e.getValue())));
            return String.join(", ", parts);
        }
        return v.asString();
    }

    @Test
    void aNonImageShowsTheProblemTitleAndDetail() throws IOException {
        assumeBrowser();
        byte[] text = "these are notes, not a photo\n".getBytes(StandardCharsets.UTF_8);
        JsonNode problem = http.postRaw("/classify", "text/plain", text, ApiKeyFilter.HEADER, KEY)
                .json();
        assertThat(problem.get("status").asInt()).isEqualTo(415);

        page.navigate(base + "/");
        page.fill("#apikey", KEY);
        page.waitForFileChooser(() -> page.click("#pick")).setFiles(write("notes.txt", text));

        Locator error = page.locator("#error");
        PlaywrightAssertions.assertThat(error).isVisible();
        assertThat(error.getAttribute("role")).isEqualTo("alert");
        PlaywrightAssertions.assertThat(error).containsText(problem.get("title").asString() + " (415)");
        PlaywrightAssertions.assertThat(error)
                .containsText(problem.get("detail").asString());
        PlaywrightAssertions.assertThat(page.locator("#result")).isHidden();
        PlaywrightAssertions.assertThat(page.locator("#preview-caption")).containsText("cannot show it as an image");
        assertTextContrast();
        screenshot("upload-page-error.png");
        assertSameOriginAndNoCspViolation();
    }

    @Test
    void aServiceUnavailableAnswerShowsWhenToRetry() throws IOException {
        assumeBrowser();
        BufferedImage cyan = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        var g = cyan.createGraphics();
        g.setColor(Color.CYAN);
        g.fillRect(0, 0, 200, 200);
        g.dispose();

        page.navigate(base + "/");
        page.fill("#apikey", KEY);
        page.waitForFileChooser(() -> page.click("#pick")).setFiles(write("cyan.png", TestImages.write(cyan, "png")));

        Locator error = page.locator("#error");
        PlaywrightAssertions.assertThat(error).containsText("Service Unavailable (503)");
        PlaywrightAssertions.assertThat(error).containsText("Retry after 3 s.");
    }

    @Test
    void withoutTheKeyThePageAsksForItAndThenWorks() throws IOException {
        assumeBrowser();
        Path photo = write("key.jpg", TestImages.jpeg(320, 240, 7));
        List<String> sentKeys = new CopyOnWriteArrayList<>();
        page.onRequest(r -> {
            if (r.url().contains("/classify") || r.url().contains("/models")) {
                sentKeys.add(String.valueOf(r.headers().get("x-api-key")));
            }
        });

        page.navigate(base + "/");
        page.waitForFileChooser(() -> page.click("#pick")).setFiles(photo);

        Locator error = page.locator("#error");
        PlaywrightAssertions.assertThat(error).containsText("requires an API key");
        PlaywrightAssertions.assertThat(page.locator("#apikey")).isFocused();
        PlaywrightAssertions.assertThat(page.locator("#apikey")).hasAttribute("aria-invalid", "true");
        PlaywrightAssertions.assertThat(page.locator("#result")).isHidden();
        assertTextContrast();

        page.keyboard().type("wrong-key");
        var refused = page.waitForResponse(
                r -> r.url().contains("/classify") || r.url().contains("/models"),
                () -> page.keyboard().press("Enter"));
        assertThat(refused.status()).isEqualTo(401);
        PlaywrightAssertions.assertThat(page.locator("#status")).containsText("needs an API key");
        PlaywrightAssertions.assertThat(page.locator("#apikey")).isFocused();
        page.fill("#apikey", KEY);
        page.keyboard().press("Enter");
        PlaywrightAssertions.assertThat(page.locator("#predictions li")).hasCount(5);
        PlaywrightAssertions.assertThat(error).isHidden();
        assertThat(sentKeys).contains(KEY, "wrong-key");
        assertThat(sentKeys.get(sentKeys.size() - 1)).isEqualTo(KEY);

        // Memory only: no storage, no cookie, not in the URL.
        assertThat(page.evaluate("() => localStorage.length + sessionStorage.length"))
                .isEqualTo(0);
        assertThat(page.evaluate("() => document.cookie")).isEqualTo("");
        assertThat(requests).noneMatch(u -> u.contains(KEY));
        page.reload();
        PlaywrightAssertions.assertThat(page.locator("#apikey")).hasValue("");
        assertSameOriginAndNoCspViolation();
    }

    @Test
    void everythingWorksFromTheKeyboard() throws IOException {
        assumeBrowser();
        Path photo = write("keyboard.jpg", TestImages.jpeg(400, 300, 8));
        // Listening from the start keeps file-chooser interception on before any key is pressed.
        List<FileChooser> choosers = new CopyOnWriteArrayList<>();
        page.onFileChooser(choosers::add);
        page.navigate(base + "/");
        PlaywrightAssertions.assertThat(page.locator("#model option").first())
                .not()
                .hasText("Loading models…");
        boolean modelsOpen = page.locator("#model").isEnabled();

        List<String> order = new ArrayList<>();
        List<String> expected;
        if (modelsOpen) {
            expected = List.of("model", "topk", "apikey", "pick", "classify");
        } else {
            // GET /models needed the key: the page has already moved focus to the key field, with its prompt.
            assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("apikey");
            expected = List.of("pick", "classify");
        }
        for (int i = 0; i < expected.size(); i++) {
            page.keyboard().press("Tab");
            order.add((String) page.evaluate("() => document.activeElement.id"));
        }
        assertThat(order).isEqualTo(expected);

        // Back to the key field, type the key, Tab to the picker, open it with Enter.
        page.keyboard().press("Shift+Tab");
        page.keyboard().press("Shift+Tab");
        PlaywrightAssertions.assertThat(page.locator("#apikey")).isFocused();
        page.keyboard().type(KEY);
        page.keyboard().press("Tab");
        PlaywrightAssertions.assertThat(page.locator("#pick")).isFocused();
        assertThat(page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle"))
                .isEqualTo("solid");
        assertThat(page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth"))
                .isEqualTo("3px");
        page.keyboard().press("Enter");
        page.waitForCondition(() -> choosers.size() == 1);
        choosers.get(0).setFiles(photo);
        PlaywrightAssertions.assertThat(page.locator("#predictions li")).hasCount(5);
        PlaywrightAssertions.assertThat(page.locator("#status")).containsText("top class");

        // Space activates the picker too.
        PlaywrightAssertions.assertThat(page.locator("#pick")).isFocused();
        page.keyboard().press("Space");
        page.waitForCondition(() -> choosers.size() == 2);
        choosers.get(1).setFiles(write("again.jpg", TestImages.jpeg(200, 300, 9)));
        PlaywrightAssertions.assertThat(page.locator("#filename")).containsText("again.jpg");
        PlaywrightAssertions.assertThat(page.locator("#status")).containsText("top class");
        assertSameOriginAndNoCspViolation();
    }

    @Test
    void theBrowserEnforcesThePolicy() {
        assumeBrowser();
        var response = page.navigate(base + "/");
        assertThat(response.headers().get("content-security-policy")).isEqualTo(SecurityHeadersFilter.PAGE_POLICY);
        // An injected inline script is refused: the policy is in force, not only sent.
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
                + " document.body.append(s); }");
        assertThat(page.evaluate("() => window.__ran === true")).isEqualTo(false);
        @SuppressWarnings("unchecked")
        List<String> violations = (List<String>) page.evaluate("() => window.__csp");
        assertThat(violations).anyMatch(v -> v.startsWith("script-src"));
    }

    private void assumeBrowser() {
        assumeTrue(browser != null, "no Chromium at " + CHROMIUM + ": the browser tests are skipped");
    }

    private void assertSameOriginAndNoCspViolation() {
        assertThat(requests)
                .isNotEmpty()
                .allMatch(
                        u -> u.startsWith(base + "/") || u.startsWith("blob:" + base + "/"), "same origin as " + base);
        assertThat(page.evaluate("() => window.__csp")).asList().isEmpty();
    }

    /** WCAG AA: every visible text has at least 4.5:1 contrast with the background it is drawn on. */
    private void assertTextContrast() {
        @SuppressWarnings("unchecked")
        List<String> low = (List<String>) page.evaluate("() => {"
                + " const rgb = c => { const p = c.match(/[\\d.]+/g).map(Number); return {v: p.slice(0, 3),"
                + "   a: p.length > 3 ? p[3] : 1}; };"
                + " const lum = c => c.v.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92"
                + "   : ((x + 0.055) / 1.055) ** 2.4; }).reduce((s, x, i) => s + x * [0.2126, 0.7152, 0.0722][i], 0);"
                + " const back = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e)"
                + "   .backgroundColor); if (c.a > 0) return c; } return rgb('rgb(255, 255, 255)'); };"
                + " const low = [];"
                + " for (const e of document.querySelectorAll('body *')) {"
                + "   if (!e.getClientRects().length) continue;"
                + "   if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;"
                + "   const a = lum(rgb(getComputedStyle(e).color)), b = lum(back(e));"
                + "   const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);"
                + "   if (ratio < 4.5) low.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + ratio.toFixed(2));"
                + " }"
                + " return low; }");
        assertThat(low).isEmpty();
        assertThat(page.locator("body *").count()).isGreaterThan(20);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        page.screenshot(
                new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)).setFullPage(true));
    }

    private static Path write(String name, byte[] data) throws IOException {
        Path p = files.resolve(name);
        Files.write(p, data);
        return p;
    }

    private static String header(HttpTestClient.Response r, String name) {
        return r.raw().headers().firstValue(name).orElse(null);
    }
}

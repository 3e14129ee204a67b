package dev.inceptionclassifier.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of the load generator.
 *
 * @param url base URL of the service (loopback only unless {@code allowRemote})
 * @param images folder of images to post, or null to use generated ones
 * @param generate number of JPEGs to generate when no folder is given
 * @param generateDir where generated JPEGs are written (reused when already complete)
 * @param sizes image sizes of the generated mix
 * @param mode closed, open or soak
 * @param concurrency clients of the closed loop and the soak
 * @param rate arrivals per second of the open loop
 * @param duration measured duration (closed and open loop)
 * @param warmup unmeasured time before the measured duration (closed and open loop)
 * @param requests measured requests of the soak
 * @param warmupRequests unmeasured requests before the soak
 * @param model model query parameter, or null for the service default
 * @param topK topK query parameter, or null
 * @param timeout client-side timeout of one request
 * @param multipart send multipart/form-data (part {@code image}) instead of a raw image/jpeg body
 * @param maxOutstanding most open-loop requests in flight before new arrivals are dropped (and counted)
 * @param snapshotEvery soak: scrape the server's memory every this many completed requests
 * @param allowRemote allow a non-loopback target
 */
record LoadOptions(
        URI url,
        Path images,
        int generate,
        Path generateDir,
        List<ImageCorpus.Size> sizes,
        Mode mode,
        int concurrency,
        double rate,
        Duration duration,
        Duration warmup,
        int requests,
        int warmupRequests,
        String model,
        Integer topK,
        Duration timeout,
        boolean multipart,
        int maxOutstanding,
        int snapshotEvery,
        boolean allowRemote) {

    enum Mode {
        CLOSED,
        OPEN,
        SOAK
    }

    static final String USAGE = """
            usage: run-load.sh [options]
              --url URL              service base URL (default http://127.0.0.1:8080; loopback only)
              --images DIR           post the images in DIR (jpg, jpeg, png, gif, bmp, webp)
              --generate N           no DIR: generate N JPEGs of mixed sizes (default 64)
              --generate-dir DIR     where generated JPEGs go (default: $TMPDIR/inception-classifier-bench/images-N)
              --sizes WxH,WxH,...    sizes of the generated mix (default: a mix from 64x64 to 2048x1536)
              --mode closed|open|soak
              --concurrency N        closed loop / soak clients (default 16)
              --rate R               open loop arrivals per second (required for --mode open)
              --duration D           measured duration, e.g. 60s, 2m (default 60s)
              --warmup D             unmeasured warm-up before it (default 10s)
              --requests N           soak: measured requests (default 10000)
              --warmup-requests N    soak: unmeasured requests first (default 200)
              --model NAME           ?model= (default: the service's default model)
              --top-k K              ?topK=
              --timeout D            client timeout per request (default 60s)
              --multipart            send multipart/form-data part 'image' instead of a raw image/jpeg body
              --max-outstanding N    open loop: in-flight cap; arrivals beyond it are dropped and counted (10000)
              --snapshot-every N     soak: scrape server memory every N requests (default 1000)
              --allow-remote         allow a target that is not a loopback address
            """;

    static LoadOptions parse(String... args) {
        URI url = URI.create("http://127.0.0.1:8080");
        Path images = null;
        int generate = 64;
        Path generateDir = null;
        List<ImageCorpus.Size> sizes = ImageCorpus.DEFAULT_SIZES;
        Mode mode = Mode.CLOSED;
        int concurrency = 16;
        double rate = Double.NaN;
        Duration duration = Duration.ofSeconds(60);
        Duration warmup = Duration.ofSeconds(10);
        int requests = 10_000;
        int warmupRequests = 200;
        String model = null;
        Integer topK = null;
        Duration timeout = Duration.ofSeconds(60);
        boolean multipart = false;
        int maxOutstanding = 10_000;
        int snapshotEvery = 1000;
        boolean allowRemote = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--multipart" -> multipart = true;
                case "--allow-remote" -> allowRemote = true;
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value after " + a);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--url" -> url = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
                        case "--images" -> images = Path.of(v);
                        case "--generate" -> generate = positive(a, Integer.parseInt(v));
                        case "--generate-dir" -> generateDir = Path.of(v);
                        case "--sizes" -> sizes = parseSizes(v);
                        case "--mode" -> mode = Mode.valueOf(v.toUpperCase(Locale.ROOT));
                        case "--concurrency" -> concurrency = positive(a, Integer.parseInt(v));
                        case "--rate" -> rate = Double.parseDouble(v);
                        case "--duration" -> duration = parseDuration(v);
                        case "--warmup" -> warmup = parseDuration(v);
                        case "--requests" -> requests = positive(a, Integer.parseInt(v));
                        case "--warmup-requests" -> warmupRequests = Integer.parseInt(v);
                        case "--model" -> model = v;
                        case "--top-k" -> topK = positive(a, Integer.parseInt(v));
                        case "--timeout" -> timeout = parseDuration(v);
                        case "--max-outstanding" -> maxOutstanding = positive(a, Integer.parseInt(v));
                        case "--snapshot-every" -> snapshotEvery = positive(a, Integer.parseInt(v));
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                }
            }
        }
        if (mode == Mode.OPEN && !(rate > 0)) {
            throw new IllegalArgumentException("--mode open needs --rate R > 0");
        }
        if (duration.isZero() || duration.isNegative() || warmup.isNegative() || warmupRequests < 0) {
            throw new IllegalArgumentException("durations and counts must not be negative");
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url must be http:// or https://");
        }
        if (!allowRemote && !isLoopback(url.getHost())) {
            throw new IllegalArgumentException("--url " + url + " is not a loopback address; pass --allow-remote to "
                    + "load a remote service on purpose");
        }
        if (generateDir == null) {
            generateDir =
                    Path.of(System.getProperty("java.io.tmpdir"), "inception-classifier-bench", "images-" + generate);
        }
        return new LoadOptions(
                url,
                images,
                generate,
                generateDir,
                sizes,
                mode,
                concurrency,
                rate,
                duration,
                warmup,
                requests,
                warmupRequests,
                model,
                topK,
                timeout,
                multipart,
                maxOutstanding,
                snapshotEvery,
                allowRemote);
    }

    /** {@code /classify} with the query parameters. */
    URI classifyUri() {
        StringBuilder q = new StringBuilder();
        if (model != null) {
            q.append("model=").append(java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (topK != null) {
            q.append(q.isEmpty() ? "" : "&").append("topK=").append(topK);
        }
        return URI.create(url + "/classify" + (q.isEmpty() ? "" : "?" + q));
    }

    URI metricsUri() {
        return URI.create(url + "/actuator/prometheus");
    }

    /** Accepts {@code 500ms}, {@code 60s}, {@code 2m}, {@code 1h} or an ISO-8601 duration. */
    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(v.trim());
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("bad duration '" + v + "' (use e.g. 500ms, 60s, 2m)");
        };
    }

    static List<ImageCorpus.Size> parseSizes(String v) {
        List<ImageCorpus.Size> sizes = new ArrayList<>();
        for (String s : v.split(",")) {
            String[] wh = s.trim().toLowerCase(Locale.ROOT).split("x");
            if (wh.length != 2) {
                throw new IllegalArgumentException("bad size '" + s + "' (use WxH)");
            }
            sizes.add(new ImageCorpus.Size(
                    positive("--sizes", Integer.parseInt(wh[0])), positive("--sizes", Integer.parseInt(wh[1]))));
        }
        return List.copyOf(sizes);
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            // Resolves names such as localhost; an IP literal is parsed without a lookup.
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int positive(String option, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return n;
    }
}

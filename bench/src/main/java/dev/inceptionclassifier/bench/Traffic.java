package dev.inceptionclassifier.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three ways of sending load. Closed loop: N clients, each sends its next request when the previous one is
 * answered, so the offered load adapts to the service (latency measured from the actual send). Open loop: arrivals on
 * a fixed schedule whatever the service does, latency measured from the INTENDED send time, so time spent queued
 * behind a slow service (or behind a stalled load generator) is counted rather than hidden (coordinated omission).
 * Count loop: closed loop for a fixed number of requests (the soak).
 */
final class Traffic {

    private static final Pattern BATCH_SIZE = Pattern.compile("\"batchSize\"\\s*:\\s*(\\d+)");
    private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"[^\"]*/problems/([a-z-]+)\"");

    private final HttpClient client;
    private final URI classify;
    private final ImageCorpus corpus;
    private final boolean multipart;
    private final Duration timeout;

    Traffic(HttpClient client, URI classify, ImageCorpus corpus, boolean multipart, Duration timeout) {
        this.client = client;
        this.classify = classify;
        this.corpus = corpus;
        this.multipart = multipart;
        this.timeout = timeout;
    }

    /** A client for loopback load: HTTP/1.1, one connection per concurrent request, its own callback threads. */
    static HttpClient newClient(ExecutorService executor) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
    }

    HttpRequest request(ImageCorpus.Image image) {
        HttpRequest.Builder b = HttpRequest.newBuilder(classify).timeout(timeout);
        if (!multipart) {
            return b.header("Content-Type", image.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image.bytes()))
                    .build();
        }
        String boundary = "bench" + Long.toHexString(System.nanoTime());
        ByteArrayOutputStream body = new ByteArrayOutputStream(image.bytes().length + 256);
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + image.name()
                + "\"\r\nContent-Type: " + image.contentType() + "\r\n\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(image.bytes());
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return b.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
    }

    /**
     * Closed loop: {@code concurrency} clients send back to back from now until {@code end} (nanoTime); requests
     * started at or after {@code measureFrom} are recorded.
     */
    void closedLoop(int concurrency, long measureFrom, long end, Results results) throws InterruptedException {
        runClients(concurrency, () -> System.nanoTime() < end, start -> start >= measureFrom, results, null);
    }

    /**
     * Count loop: {@code concurrency} clients send {@code count} requests in all; {@code onDone} is called with the
     * number completed so far after each one.
     */
    void countLoop(int concurrency, long count, Results results, LongConsumer onDone) throws InterruptedException {
        AtomicLong tickets = new AtomicLong();
        runClients(concurrency, () -> tickets.getAndIncrement() < count, start -> true, results, onDone);
    }

    private interface Condition {
        boolean next();
    }

    private interface StartFilter {
        boolean measured(long startNanos);
    }

    private void runClients(int concurrency, Condition more, StartFilter measured, Results results, LongConsumer onDone)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(
                    () -> {
                        while (more.next()) {
                            long start = System.nanoTime();
                            Outcome o = sendBlocking(corpus.next());
                            if (measured.measured(start)) {
                                o.recordInto(results, System.nanoTime() - start);
                            }
                            if (onDone != null) {
                                onDone.accept(done.incrementAndGet());
                            }
                        }
                    },
                    "client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * Open loop: arrival {@code i} is due at {@code start + i / rate}; arrivals due before {@code end} are sent, each
     * without waiting for earlier ones, and those due at or after {@code measureFrom} are recorded with latency from
     * their due time. Waits for the last answers (at most the client timeout plus 10 s).
     *
     * @return requests still unanswered when the wait ended (also recorded as client errors)
     */
    long openLoop(double rate, long start, long measureFrom, long end, int maxOutstanding, Results results)
            throws InterruptedException {
        AtomicInteger outstanding = new AtomicInteger();
        // Measured requests not answered yet; whoever removes an id (the answer or the final sweep) records it.
        Set<Long> pending = ConcurrentHashMap.newKeySet();
        double periodNanos = 1e9 / rate;
        for (long i = 0; ; i++) {
            long intended = start + Math.round(i * periodNanos);
            if (intended - end >= 0) {
                break;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean measured = intended - measureFrom >= 0;
            if (outstanding.get() >= maxOutstanding) {
                if (measured) {
                    results.recordDropped();
                }
                continue;
            }
            outstanding.incrementAndGet();
            long id = i;
            if (measured) {
                pending.add(id);
            }
            sendAsync(corpus.next()).whenComplete((o, e) -> {
                if (pending.remove(id)) {
                    o.recordInto(results, System.nanoTime() - intended);
                }
                outstanding.decrementAndGet();
            });
        }
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(10);
        while (outstanding.get() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        long left = 0;
        for (Long id : List.copyOf(pending)) {
            if (pending.remove(id)) {
                results.recordClientError("unanswered");
                left++;
            }
        }
        return left;
    }

    Outcome sendBlocking(ImageCorpus.Image image) {
        try {
            return Outcome.of(client.send(request(image), HttpResponse.BodyHandlers.ofString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, 0, "interrupted", null);
        } catch (Exception e) {
            return new Outcome(-1, 0, e.getClass().getSimpleName(), null);
        }
    }

    CompletableFuture<Outcome> sendAsync(ImageCorpus.Image image) {
        return client.sendAsync(request(image), HttpResponse.BodyHandlers.ofString())
                .handle((r, e) -> {
                    if (e == null) {
                        return Outcome.of(r);
                    }
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    return new Outcome(-1, 0, cause.getClass().getSimpleName(), null);
                });
    }

    /** Runs {@code n} requests one after another, unmeasured: to wake the service before a run. */
    void warmUp(int n) {
        for (int i = 0; i < n; i++) {
            sendBlocking(corpus.next());
        }
    }

    /**
     * What one request got: an HTTP status (and the batchSize field of a 200, or the problem type of an error), or a
     * client-side error.
     */
    record Outcome(int status, int batchSize, String error, String problem) {

        static Outcome of(HttpResponse<String> r) {
            int batch = 0;
            String problem = null;
            Matcher m = (r.statusCode() == 200 ? BATCH_SIZE : PROBLEM_TYPE).matcher(r.body());
            if (m.find()) {
                if (r.statusCode() == 200) {
                    batch = Integer.parseInt(m.group(1));
                } else {
                    problem = m.group(1);
                }
            }
            return new Outcome(r.statusCode(), batch, null, problem);
        }

        void recordInto(Results results, long nanos) {
            if (error != null) {
                results.recordClientError(error);
                return;
            }
            results.record(status, nanos);
            if (problem != null) {
                results.recordProblem(status + " " + problem);
            }
            if (batchSize > 0) {
                results.recordBatchSizeField(batchSize);
            }
        }
    }

    /** Threads for the client's callbacks; daemon so that a stuck request never keeps the JVM alive. */
    static ExecutorService callbackExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}

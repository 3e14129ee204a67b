package dev.inceptionclassifier.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A stand-in for the service on 127.0.0.1: one "worker" (a semaphore) that takes {@code serviceMillis} per request,
 * a status chosen per request number, and a Prometheus endpoint whose batch counters move with the requests
 * (every request counts as one batch of 4 images, so the mean batch size is 4).
 */
final class StubService implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(64);
    private final Semaphore worker = new Semaphore(1);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final long serviceMillis;
    private final LongFunction<Integer> status;

    StubService(long serviceMillis, LongFunction<Integer> status) throws IOException {
        this.serviceMillis = serviceMillis;
        this.status = status;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        server.createContext("/classify", this::classify);
        server.createContext("/actuator/health", ex -> respond(ex, 200, "{\"status\":\"UP\"}"));
        server.createContext("/actuator/prometheus", ex -> respond(ex, 200, metrics()));
        server.setExecutor(executor);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    long requests() {
        return requests.get();
    }

    long bytes() {
        return bytes.get();
    }

    private void classify(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            bytes.addAndGet(in.readAllBytes().length);
        }
        long n = requests.incrementAndGet();
        int code = status.apply(n);
        if (code == 200) {
            worker.acquireUninterruptibly();
            try {
                if (serviceMillis > 0) {
                    Thread.sleep(serviceMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                worker.release();
            }
            respond(ex, 200, "{\"model\":\"stub\",\"predictions\":[],\"batchSize\":4,\"timings\":{}}");
        } else if (code > 0) {
            respond(
                    ex,
                    code,
                    "{\"type\":\"https://inception-classifier.dev/problems/overloaded\",\"status\":" + code + "}");
        }
        // code <= 0: never answer (the client's timeout must fire).
    }

    private String metrics() {
        long n = requests.get();
        return """
                # TYPE classifier_batch_size histogram
                classifier_batch_size_count{model="stub"} %d
                classifier_batch_size_sum{model="stub"} %d
                classifier_process_resident_memory_bytes 1.2582912E8
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
                """.formatted(n, 4 * n);
    }

    private static void respond(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package dev.inceptionclassifier.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A loopback HTTP server for the tests that download: serves fixed bodies or a folder's files with chosen headers,
 * redirects, error statuses, truncated, stalled and chunked bodies, answers HEAD with the headers alone, and records
 * every request (method, path and Authorization header). Unknown paths get 404. Registered as a field with
 * {@code @RegisterExtension}, it stops after each test.
 */
public final class FakeServer implements AutoCloseable, AfterEachCallback {

    /** One recorded request. */
    public record Request(String path, String authorization, String method) {}

    private record Folder(Path dir, Map<String, String> headers) {}

    private record Route(
            int status, byte[] body, Map<String, String> headers, int sendBytes, long stallMillis, boolean chunked) {

        Route(int status, byte[] body, Map<String, String> headers, int sendBytes, long stallMillis) {
            this(status, body, headers, sendBytes, stallMillis, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, Folder> folders = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private final String host;

    /** A server on 127.0.0.1. */
    public FakeServer() {
        this(new byte[] {127, 0, 0, 1});
    }

    private FakeServer(byte[] address) {
        try {
            InetAddress inet = InetAddress.getByAddress(address);
            server = HttpServer.create(new InetSocketAddress(inet, 0), 0);
            host = inet.getHostAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * A server on another host than {@link #FakeServer()}: 127.0.0.2, which Linux routes to loopback without setup;
     * elsewhere 127.0.0.1 (then only the port differs, which is still another origin).
     */
    public static FakeServer onOtherHost() {
        try {
            return new FakeServer(new byte[] {127, 0, 0, 2});
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof BindException) {
                return new FakeServer();
            }
            throw e;
        }
    }

    /** {@code http://<address>:<port>}, without a trailing slash. */
    public String base() {
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    public String url(String path) {
        return base() + path;
    }

    public FakeServer file(String path, byte[] body, Map<String, String> headers) {
        routes.put(path, new Route(200, body, headers, body.length, 0));
        return this;
    }

    public FakeServer file(String path, byte[] body) {
        return file(path, body, Map.of());
    }

    /**
     * Serves the files of {@code dir} under {@code prefix} ({@code prefix + name}) from disk, with {@code headers} on
     * every answer, a 404 for a name {@code dir} lacks included (the hub names its commit on those too).
     */
    public FakeServer folder(String prefix, Path dir, Map<String, String> headers) {
        folders.put(prefix, new Folder(dir, headers));
        return this;
    }

    /** 302 to {@code location}, with extra headers (the hub puts X-Linked-Etag/Size on its LFS redirects). */
    public FakeServer redirect(String path, String location, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>(headers);
        h.put("Location", location);
        routes.put(path, new Route(302, new byte[0], h, 0, 0));
        return this;
    }

    public FakeServer status(String path, int status) {
        routes.put(path, new Route(status, new byte[0], Map.of(), 0, 0));
        return this;
    }

    /** Sends the body chunked: no Content-Length announces its size. */
    public FakeServer chunked(String path, byte[] body) {
        routes.put(path, new Route(200, body, Map.of(), body.length, 0, true));
        return this;
    }

    /** Announces the full length but sends only {@code sendBytes}, then closes the connection. */
    public FakeServer truncated(String path, byte[] body, int sendBytes) {
        routes.put(path, new Route(200, body, Map.of(), sendBytes, 0));
        return this;
    }

    /** Sends {@code sendBytes}, then waits {@code stallMillis} before sending the rest. */
    public FakeServer stalled(String path, byte[] body, int sendBytes, long stallMillis) {
        routes.put(path, new Route(200, body, Map.of(), sendBytes, stallMillis));
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The recorded requests as "METHOD path". */
    public List<String> log() {
        return requests.stream().map(r -> r.method() + " " + r.path()).toList();
    }

    /** GET requests only: the bodies that were downloaded. */
    public List<String> gets() {
        return requests.stream()
                .filter(r -> r.method().equals("GET"))
                .map(Request::path)
                .toList();
    }

    public int requestCount() {
        return requests.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        requests.add(
                new Request(path, exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestMethod()));
        Route route = routes.get(path);
        try {
            if (route == null && serveFromFolder(exchange, path)) {
                return;
            }
            if (route == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            route.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            if (route.status() != 200 || exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(route.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(200, route.chunked() ? 0 : route.body().length);
            OutputStream out = exchange.getResponseBody();
            out.write(route.body(), 0, route.sendBytes());
            out.flush();
            if (route.stallMillis() > 0) {
                Thread.sleep(route.stallMillis());
                out.write(route.body(), route.sendBytes(), route.body().length - route.sendBytes());
            }
        } catch (IOException | InterruptedException e) {
            // a client that gave up: intended in the stall tests
        } finally {
            // for a truncated body this closes the connection short of Content-Length
            exchange.close();
        }
    }

    private boolean serveFromFolder(HttpExchange exchange, String path) throws IOException {
        for (Map.Entry<String, Folder> e : folders.entrySet()) {
            String name =
                    path.startsWith(e.getKey()) ? path.substring(e.getKey().length()) : null;
            if (name == null || name.isEmpty() || name.contains("/") || name.startsWith(".")) {
                continue;
            }
            e.getValue()
                    .headers()
                    .forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            Path file = e.getValue().dir().resolve(name);
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                Files.copy(file, exchange.getResponseBody());
            }
            return true;
        }
        return false;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

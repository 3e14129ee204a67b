package dev.inceptionclassifier.model.source;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server for the source tests: serves fixed bodies with chosen headers, redirects, error statuses,
 * truncated, stalled and chunked bodies, answers HEAD with the headers alone, and records every request (method,
 * path and Authorization header). Unknown paths get 404.
 */
final class FakeServer implements AutoCloseable {

    /** One recorded request. */
    record Request(String path, String authorization, String method) {
    }

    private record Route(int status, byte[] body, Map<String, String> headers, int sendBytes, long stallMillis,
            boolean chunked) {

        Route(int status, byte[] body, Map<String, String> headers, int sendBytes, long stallMillis) {
            this(status, body, headers, sendBytes, stallMillis, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private final String host;

    /** A server on 127.0.0.1. */
    FakeServer() throws IOException {
        this(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    }

    private FakeServer(InetAddress address) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        host = address.getHostAddress();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * A server on another host than {@link #FakeServer()}: 127.0.0.2, which Linux routes to loopback without setup;
     * elsewhere 127.0.0.1 (then only the port differs, which is still another origin).
     */
    static FakeServer onOtherHost() throws IOException {
        try {
            return new FakeServer(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));
        } catch (java.net.BindException e) {
            return new FakeServer();
        }
    }

    /** {@code http://<address>:<port>}, without a trailing slash. */
    String base() {
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    String url(String path) {
        return base() + path;
    }

    FakeServer file(String path, byte[] body, Map<String, String> headers) {
        routes.put(path, new Route(200, body, headers, body.length, 0));
        return this;
    }

    FakeServer file(String path, byte[] body) {
        return file(path, body, Map.of());
    }

    /** 302 to {@code location}, with extra headers (the hub puts X-Linked-Etag/Size on its LFS redirects). */
    FakeServer redirect(String path, String location, Map<String, String> headers) {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put("Location", location);
        routes.put(path, new Route(302, new byte[0], h, 0, 0));
        return this;
    }

    FakeServer status(String path, int status) {
        routes.put(path, new Route(status, new byte[0], Map.of(), 0, 0));
        return this;
    }

    /** Sends the body chunked: no Content-Length announces its size. */
    FakeServer chunked(String path, byte[] body) {
        routes.put(path, new Route(200, body, Map.of(), body.length, 0, true));
        return this;
    }

    /** Announces the full length but sends only {@code sendBytes}, then closes the connection. */
    FakeServer truncated(String path, byte[] body, int sendBytes) {
        routes.put(path, new Route(200, body, Map.of(), sendBytes, 0));
        return this;
    }

    /** Sends {@code sendBytes}, then waits {@code stallMillis} before sending the rest. */
    FakeServer stalled(String path, byte[] body, int sendBytes, long stallMillis) {
        routes.put(path, new Route(200, body, Map.of(), sendBytes, stallMillis));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The recorded requests as "METHOD path". */
    List<String> log() {
        return requests.stream().map(r -> r.method() + " " + r.path()).toList();
    }

    /** GET requests only: the bodies that were downloaded. */
    List<String> gets() {
        return requests.stream().filter(r -> r.method().equals("GET")).map(Request::path).toList();
    }

    int requestCount() {
        return requests.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestMethod()));
        Route route = routes.get(path);
        try {
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

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package dev.inceptionclassifier.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain JDK HTTP client for tests against a server on a random local port. */
final class HttpTestClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final int port;

    HttpTestClient(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.port = port;
    }

    record Response(int status, String contentType, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Response postMultipart(String path, String partName, String filename, String contentType, byte[] data) {
        String boundary = "----test" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + partName + "\"; filename=\""
                            + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(data);
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    Response postRaw(String path, String contentType, byte[] data, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(data));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    /**
     * A body the server will refuse unread (over a size limit), sent as careful clients send large bodies: with
     * {@code Expect: 100-continue}, so the refusal arrives before the body. Without it the server's early answer
     * races the upload: it closes the connection (it will not read a body nobody wants), and the client may see the
     * reset instead of the answer. The answer has no {@link Response#raw()}.
     */
    Response postExpectingRefusal(String path, String contentType, byte[] data, String... headers) {
        List<String> lines = new ArrayList<>();
        lines.add("Content-Type: " + contentType);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            lines.add(headers[i] + ": " + headers[i + 1]);
        }
        RawHttp.Answer a = new RawHttp(port).postExpectingContinue(path, data, lines.toArray(String[]::new));
        String type = a.header("Content-Type");
        return new Response(a.status(), type == null ? "" : type, a.body(), null);
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r =
                    client.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

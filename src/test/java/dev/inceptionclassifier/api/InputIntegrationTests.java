package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.support.RandomInceptionV4;
import dev.inceptionclassifier.support.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Whatever a client sends gets a 2xx or a 4xx, never a 5xx, and no request body reaches the log. A raw body is
 * classified whatever type it declares (the bytes are sniffed), form-encoded included. A body that trickles in is
 * cut off at the upload deadline, whoever reads it.
 */
@ExtendWith(OutputCaptureExtension.class)
@RandomInceptionV4
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.models[0].preprocess.input-size=75",
            "classifier.inference.max-batch-size=2",
            "classifier.inference.request-timeout=60s",
            "classifier.image.upload-timeout=2s",
            "server.tomcat.connection-timeout=3s"
        })
class InputIntegrationTests {

    /** Text that must never appear in a log: it travels only inside request bodies. */
    static final String BODY_MARKER = "BODY-MARKER-7f3a9c";

    @LocalServerPort
    int port;

    RawHttp raw;

    @BeforeEach
    void client() {
        raw = new RawHttp(port);
    }

    /** A real JPEG with {@link #BODY_MARKER} in a comment segment, and '%' and '&' bytes that a form parser hates. */
    static byte[] markedJpeg() {
        byte[] jpeg = TestImages.jpeg(120, 90, 3);
        byte[] text = (BODY_MARKER + " %zz&=%%").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xFE);
        out.write((text.length + 2) >> 8);
        out.write((text.length + 2) & 0xFF);
        out.writeBytes(text);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void aRawBodyIsClassifiedWhateverTypeItDeclares(CapturedOutput output) {
        byte[] jpeg = markedJpeg();
        // curl --data-binary @photo.jpg sends application/x-www-form-urlencoded
        for (String type : List.of(
                "application/x-www-form-urlencoded",
                "application/x-www-form-urlencoded; charset=UTF-8",
                "text/plain",
                "application/json",
                "image/png",
                "application/octet-stream")) {
            RawHttp.Answer a = raw.send("POST", "/classify?topK=2", jpeg, "Content-Type: " + type);
            assertThat(a.status()).as(type + ": " + a).isEqualTo(200);
            assertThat(a.body()).as(type).contains("\"predictions\"");
        }
        RawHttp.Answer untyped = raw.send("POST", "/classify", jpeg);
        assertThat(untyped.status()).as(untyped.toString()).isEqualTo(200);
        RawHttp.Answer chunked = raw.send(
                "POST",
                "/classify",
                chunk(jpeg),
                "Transfer-Encoding: chunked",
                "Content-Type: application/x-www-form-urlencoded");
        assertThat(chunked.status()).as(chunked.toString()).isEqualTo(200);
        assertThat(output.getAll()).doesNotContain(BODY_MARKER);
    }

    @Test
    void nothingAClientSendsGivesA5xxOrLogsItsBody(CapturedOutput output) {
        byte[] jpeg = markedJpeg();
        String boundary = "b0undary";
        String multipartType = "Content-Type: multipart/form-data; boundary=" + boundary;
        byte[] multipart = RawHttp.multipart(boundary, "image", jpeg);
        Map<String, Supplier<RawHttp.Answer>> cases = new LinkedHashMap<>();
        cases.put(
                "timeout beyond a long's nanoseconds",
                () -> raw.send("POST", "/classify?timeout=P200000D", jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "Request-Timeout header beyond a long",
                () -> raw.send("POST", "/classify", jpeg, "Content-Type: image/jpeg", "Request-Timeout: P200000D"));
        cases.put(
                "timeout of Long.MAX_VALUE seconds",
                () -> raw.send(
                        "POST", "/classify?timeout=PT" + Long.MAX_VALUE + "S", jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "timeout that overflows a Duration",
                () -> raw.send("POST", "/classify?timeout=P9999999999999999999D", jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "negative timeout",
                () -> raw.send("POST", "/classify?timeout=PT-1S", jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "multipart, huge timeout",
                () -> raw.send("POST", "/classify?timeout=P200000D", multipart, multipartType));
        cases.put(
                "bad percent-encoding in the query, raw",
                () -> raw.send("POST", "/classify?topK=%zz", jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "bad percent-encoding in the query, form type",
                () -> raw.send("POST", "/classify?x=%zz", jpeg, "Content-Type: application/x-www-form-urlencoded"));
        cases.put(
                "bad percent-encoding in the query, multipart",
                () -> raw.send("POST", "/classify?topK=%zz", multipart, multipartType));
        cases.put(
                "a real form body",
                () -> raw.send(
                        "POST",
                        "/classify",
                        "topK=3&model=x".getBytes(StandardCharsets.US_ASCII),
                        "Content-Type: application/x-www-form-urlencoded"));
        cases.put(
                "topK beyond an int",
                () -> raw.send("POST", "/classify?topK=99999999999999999999", jpeg, "Content-Type: image/jpeg"));
        cases.put("unknown model", () -> raw.send("POST", "/classify?model=nope", jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "unknown model, 10 000 characters",
                () -> raw.send("POST", "/classify?model=" + "m".repeat(10_000), jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "unknown model, encoded unicode",
                () -> raw.send("POST", "/classify?model=%E2%98%83", jpeg, "Content-Type: image/jpeg"));
        cases.put("empty body", () -> raw.send("POST", "/classify", new byte[0], "Content-Type: image/jpeg"));
        cases.put(
                "multipart without boundary",
                () -> raw.send("POST", "/classify", multipart, "Content-Type: multipart/form-data"));
        cases.put("multipart, garbage body", () -> raw.send("POST", "/classify", jpeg, multipartType));
        cases.put(
                "multipart, no closing boundary",
                () -> raw.send("POST", "/classify", truncate(multipart, 30), multipartType));
        cases.put(
                "multipart, part not named image",
                () -> raw.send("POST", "/classify", RawHttp.multipart(boundary, "file", jpeg), multipartType));
        cases.put("multipart, 30 parts", () -> raw.send("POST", "/classify", manyParts(boundary, 30), multipartType));
        cases.put(
                "multipart/mixed",
                () -> raw.send("POST", "/classify", multipart, "Content-Type: multipart/mixed; boundary=" + boundary));
        cases.put("unparseable content type", () -> raw.send("POST", "/classify", jpeg, "Content-Type: ;;;/"));
        cases.put(
                "content type with a bogus charset",
                () -> raw.send(
                        "POST",
                        "/classify",
                        jpeg,
                        "Content-Type: application/x-www-form-urlencoded; charset=no-such-charset"));
        cases.put(
                "Accept: image/png",
                () -> raw.send("POST", "/classify", jpeg, "Content-Type: image/jpeg", "Accept: image/png"));
        cases.put(
                "Accept: image/png on an error",
                () -> raw.send("POST", "/classify?topK=0", jpeg, "Content-Type: image/jpeg", "Accept: image/png"));
        cases.put(
                "unparseable Accept",
                () -> raw.send("POST", "/classify", jpeg, "Content-Type: image/jpeg", "Accept: ;;;/"));
        cases.put(
                "Content-Encoding: gzip (not gzip)",
                () -> raw.send("POST", "/classify", jpeg, "Content-Type: image/jpeg", "Content-Encoding: gzip"));
        cases.put(
                "Expect: 100-continue",
                () -> raw.send("POST", "/classify", jpeg, "Content-Type: image/jpeg", "Expect: 100-continue"));
        cases.put(
                "Content-Length beyond the body",
                () -> raw.send(
                        "POST",
                        "/classify",
                        jpeg,
                        "Content-Type: image/jpeg",
                        "Content-Length: " + (jpeg.length + 10)));
        cases.put("GET /classify", () -> raw.send("GET", "/classify", null));
        cases.put("PUT /classify", () -> raw.send("PUT", "/classify", jpeg, "Content-Type: image/jpeg"));
        cases.put("DELETE /models", () -> raw.send("DELETE", "/models", null));
        cases.put("OPTIONS /classify", () -> raw.send("OPTIONS", "/classify", null));
        cases.put("unknown path", () -> raw.send("POST", "/classify/extra", jpeg, "Content-Type: image/jpeg"));
        cases.put(
                "dot segments under the health endpoint", () -> raw.send("GET", "/actuator/health/../../models", null));
        cases.put(
                "encoded dot segments under the health endpoint",
                () -> raw.send("GET", "/actuator/health/%2e%2e/x", null));
        cases.put("unknown health component", () -> raw.send("GET", "/actuator/health/nosuch", null));
        cases.put("the error page itself", () -> raw.send("GET", "/error", null));
        cases.put("the error page, POST", () -> raw.send("POST", "/error", jpeg, "Content-Type: image/jpeg"));
        List<String> failures = new ArrayList<>();
        cases.forEach((name, request) -> {
            RawHttp.Answer a = request.get();
            if (a.status() >= 500) {
                failures.add(name + ": " + a);
            }
            if (a.body().contains("Exception")
                    || a.body().contains("at dev.")
                    || a.body().contains(BODY_MARKER)) {
                failures.add(name + ": internals in the body: " + a);
            }
        });
        assertThat(failures).isEmpty();
        assertThat(output.getAll()).doesNotContain(BODY_MARKER);
    }

    @Test
    void outOfRangeTimeoutsAreClampedOrRefused() {
        byte[] jpeg = TestImages.jpeg(100, 80, 1);
        // Longer than the configured request timeout: capped to it, as documented.
        assertThat(raw.send("POST", "/classify?timeout=P200000D", jpeg, "Content-Type: image/jpeg")
                        .status())
                .isEqualTo(200);
        RawHttp.Answer negative = raw.send("POST", "/classify?timeout=PT-1S", jpeg, "Content-Type: image/jpeg");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body()).contains("invalid-parameter");
        RawHttp.Answer unparseable =
                raw.send("POST", "/classify?timeout=P9999999999999999999D", jpeg, "Content-Type: image/jpeg");
        assertThat(unparseable.status()).isEqualTo(400);
        assertThat(unparseable.body()).contains("invalid-parameter");
    }

    /**
     * One byte every 300 ms never trips the 3 s read timeout; the 2 s upload deadline ends it, for every way the body
     * is read (raw, form-typed, chunked, multipart), and the server then drops the connection instead of reading (or
     * swallowing) the rest of the body on the request thread.
     */
    @Test
    void aBodyThatTricklesIsCutOffAtTheUploadDeadline() throws Exception {
        byte[] jpeg = TestImages.jpeg(100, 80, 2);
        String boundary = "tr1ckle";
        Map<String, String> heads = new LinkedHashMap<>();
        heads.put("raw", "Content-Type: image/jpeg\r\nContent-Length: 100000");
        heads.put("form-typed", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000");
        heads.put("chunked", "Content-Type: image/jpeg\r\nTransfer-Encoding: chunked");
        heads.put(
                "multipart", "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: 100000");
        for (var e : heads.entrySet()) {
            boolean chunked = e.getKey().equals("chunked");
            byte[] start = e.getKey().equals("multipart")
                    ? java.util.Arrays.copyOf(RawHttp.multipart(boundary, "image", jpeg), 200)
                    : java.util.Arrays.copyOf(jpeg, 3);
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(15_000);
                var out = socket.getOutputStream();
                out.write(("POST /classify HTTP/1.1\r\nHost: localhost\r\n" + e.getValue() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(chunked ? frame(start) : start);
                out.flush();
                long t0 = System.nanoTime();
                Thread trickler = new Thread(() -> {
                    try {
                        for (int i = 0; i < 50; i++) {
                            Thread.sleep(300);
                            out.write(chunked ? frame(new byte[] {0x42}) : new byte[] {0x42});
                            out.flush();
                        }
                    } catch (Exception stop) {
                        // the server closed the connection, or the test is over
                    }
                });
                trickler.setDaemon(true);
                trickler.start();
                // Reads to the end of the stream: only returns if the server closes the connection.
                RawHttp.Answer a;
                try {
                    a = RawHttp.read(socket.getInputStream());
                } catch (java.net.SocketTimeoutException timeout) {
                    throw new AssertionError(e.getKey() + ": no answer and no close within 15 s", timeout);
                }
                long ms = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                trickler.interrupt();
                assertThat(a.status()).as(e.getKey() + ": " + a).isEqualTo(408);
                assertThat(a.body()).as(e.getKey()).contains("upload-timeout");
                assertThat(ms)
                        .as(e.getKey() + ": ms until the answer and the close")
                        .isBetween(1500L, 7000L);
            }
        }
        // Meanwhile and afterwards the service serves others.
        assertThat(raw.send("POST", "/classify", jpeg, "Content-Type: image/jpeg")
                        .status())
                .isEqualTo(200);
    }

    /**
     * An error answered before the body is read (here an unknown model) closes the connection at once, saying so,
     * instead of draining the rest of the body on the request thread while the client trickles it.
     */
    @Test
    void anErrorBeforeTheBodyIsReadClosesTheConnectionInsteadOfDrainingIt() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            var out = socket.getOutputStream();
            out.write(("POST /classify?model=nope HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                            + "Content-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {(byte) 0xFF, (byte) 0xD8});
            out.flush();
            long t0 = System.nanoTime();
            Thread trickler = new Thread(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        Thread.sleep(300);
                        out.write(0x42);
                        out.flush();
                    }
                } catch (Exception stop) {
                    // closed
                }
            });
            trickler.setDaemon(true);
            trickler.start();
            RawHttp.Answer a = RawHttp.read(socket.getInputStream());
            long ms = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            trickler.interrupt();
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(ms).as("ms until the answer and the close").isLessThan(1500);
        }
        // A whole body read before the error keeps the connection for the next request.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            byte[] notAnImage = "just text".getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream()
                    .write(("POST /classify HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg"
                                    + "\r\nContent-Length: " + notAnImage.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(notAnImage);
            socket.getOutputStream().flush();
            byte[] head = new byte[12];
            assertThat(socket.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 415");
            String rest = new String(socket.getInputStream().readNBytes(200), StandardCharsets.US_ASCII);
            assertThat(rest.toLowerCase(java.util.Locale.ROOT)).doesNotContain("connection: close");
        }
    }

    private static byte[] frame(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] chunk(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < data.length; i += 1000) {
            int n = Math.min(1000, data.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] truncate(byte[] data, int drop) {
        return java.util.Arrays.copyOf(data, data.length - drop);
    }

    private static byte[] manyParts(String boundary, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("--")
                    .append(boundary)
                    .append("\r\nContent-Disposition: form-data; name=\"f")
                    .append(i)
                    .append("\"\r\n\r\nv\r\n");
        }
        sb.append("--").append(boundary).append("--\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

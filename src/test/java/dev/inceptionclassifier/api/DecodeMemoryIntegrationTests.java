package dev.inceptionclassifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inceptionclassifier.image.DecodeMemoryBudget;
import dev.inceptionclassifier.image.ImageCorpus;
import dev.inceptionclassifier.support.RandomInceptionV4;
import dev.inceptionclassifier.support.TestImages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 10's memory DoS over HTTP with a small decode memory budget (64 MB): flat RGBA PNGs of a few KB whose rasters
 * take 25 MB (two fit) or 100 MB (none fits). Concurrent uploads are all answered, 200 or 503 with Retry-After; the
 * one that can never fit gets 413 before any pixel is decoded; with the budget full a photo waits, then gets 503;
 * and a photo works afterwards.
 */
@RandomInceptionV4
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "classifier.inference.max-batch-size=4",
            "classifier.inference.request-timeout=120s",
            "classifier.inference.retry-after=3s",
            "classifier.image.decode-memory-budget=64MB",
            "classifier.image.decode-memory-wait=300ms"
        })
class DecodeMemoryIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    DecodeMemoryBudget budget;

    HttpTestClient http;

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
    }

    @Test
    void theBudgetIsTheConfiguredOne() {
        assertThat(budget.capacityBytes()).isEqualTo(64L << 20);
        assertThat(budget.maxWait()).hasMillis(300);
    }

    @Test
    void anImageLargerThanTheWholeBudgetIs413() {
        byte[] png = ImageCorpus.flatRgbaPng(5000, 5000, 0x336699);
        var r = http.postRaw("/classify", "image/png", png);
        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asString()).endsWith("/image-too-large");
        assertThat(r.json().get("detail").asString()).contains("MiB of memory");
    }

    @Test
    void withTheBudgetFullAnUploadWaitsThenGets503AndWorksOnceThereIsRoom() {
        byte[] photo = TestImages.jpeg(640, 480, 3);
        try (DecodeMemoryBudget.Reservation all = budget.reserve(budget.capacityBytes())) {
            var r = http.postMultipart("/classify", "image", "photo.jpg", "image/jpeg", photo);
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.raw().headers().firstValue("Retry-After")).hasValue("3");
            assertThat(r.json().get("type").asString()).endsWith("/overloaded");
            assertThat(r.body()).doesNotContain("Exception");
        }
        var ok = http.postMultipart("/classify", "image", "photo.jpg", "image/jpeg", photo);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void concurrentBigRastersAreAllAnsweredAndThePhotoStillWorks() throws Exception {
        byte[] png = ImageCorpus.flatRgbaPng(2500, 2500, 0x0ac81e);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<HttpTestClient.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> http.postRaw("/classify", "image/png", png), clients));
            }
            int ok = 0;
            int busy = 0;
            for (var a : answers) {
                var r = a.get();
                assertThat(r.status()).as(r.body()).isIn(200, 503);
                if (r.status() == 503) {
                    busy++;
                    assertThat(r.raw().headers().firstValue("Retry-After")).isPresent();
                    assertThat(r.json().get("type").asString()).endsWith("/overloaded");
                } else {
                    ok++;
                }
            }
            System.out.printf(
                    "[decode-memory] 8 concurrent 2500x2500 RGBA PNGs (%d KB each): %d x 200, %d x 503%n",
                    png.length / 1024, ok, busy);
            assertThat(ok).isPositive();
        } finally {
            clients.shutdownNow();
        }
        assertThat(budget.reservedBytes()).isZero();
        var photo = http.postMultipart("/classify", "image", "photo.jpg", "image/jpeg", TestImages.jpeg(800, 600, 5));
        assertThat(photo.status()).as(photo.body()).isEqualTo(200);
    }
}

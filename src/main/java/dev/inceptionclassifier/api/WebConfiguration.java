package dev.inceptionclassifier.api;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * HTTP plumbing that follows {@code classifier.*}: multipart limits aligned with the image limit, the upload deadline,
 * the refusal of dot segments, the API-key filter.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    UploadLimits uploadLimits(ApiSettings settings) {
        return new UploadLimits(settings.maxImageBytes(), settings.maxImagesPerRequest(), settings.maxRequestBytes());
    }

    /**
     * The whole multipart body follows {@code classifier.image.max-request-bytes} (plus room for the part headers);
     * parts are not limited here, so that one oversized image among several gets its own 413 (the controller holds
     * each to {@code max-bytes}). Parts over 1 MiB are spooled to disk, not held in memory.
     */
    @Bean
    MultipartConfigElement multipartConfigElement(UploadLimits limits) {
        long max = limits.maxImageBytes();
        return new MultipartConfigElement(null, -1, limits.maxRequestBytes() + 64 * 1024, (int) Math.min(max, 1 << 20));
    }

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> uploadDeadline(ApiSettings settings) {
        return factory -> {
            factory.addEngineValves(new UploadDeadlineValve(settings.uploadTimeout()));
            // "100 Continue" only once the application reads the body: a request refused before that (a key
            // missing, a size over the limit, a full queue) is answered before a client that waits for it uploads.
            factory.addConnectorCustomizers(c -> c.setProperty("continueResponseTiming", "onRead"));
        };
    }

    @Bean
    FilterRegistrationBean<DotSegmentFilter> dotSegmentFilter() {
        FilterRegistrationBean<DotSegmentFilter> reg = new FilterRegistrationBean<>(new DotSegmentFilter());
        reg.addUrlPatterns("/*");
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return reg;
    }

    /**
     * On every path: the filter itself decides what is open (an allow-list), so an endpoint added later is protected.
     * It runs before anything that could read the body, just after the HTTP metrics filter (so 401s are counted).
     */
    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiSettings settings) {
        FilterRegistrationBean<ApiKeyFilter> reg =
                new FilterRegistrationBean<>(new ApiKeyFilter(settings.apiKeys(), settings.openMetrics()));
        reg.addUrlPatterns("/*");
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return reg;
    }
}

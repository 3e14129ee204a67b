package dev.inceptionclassifier.api;

import dev.inceptionclassifier.config.ClassifierProperties;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** HTTP plumbing that follows {@code classifier.*}: multipart limits aligned with the image limit, the API-key filter. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    UploadLimits uploadLimits(ClassifierProperties props) {
        ClassifierProperties.Image i = props.image();
        return new UploadLimits(i.maxBytes(), i.maxImagesPerRequest(), i.maxRequestBytes());
    }

    /**
     * The whole multipart body follows {@code classifier.image.max-request-bytes} (plus room for the part headers);
     * parts are not limited here, so that one oversized image among several gets its own 413 (the controller holds
     * each to {@code max-bytes}). Parts over 1 MiB are spooled to disk, not held in memory.
     */
    @Bean
    MultipartConfigElement multipartConfigElement(UploadLimits limits) {
        long max = limits.maxImageBytes();
        return new MultipartConfigElement(null, -1, limits.maxRequestBytes() + 64 * 1024,
                (int) Math.min(max, 1 << 20));
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ClassifierProperties props) {
        FilterRegistrationBean<ApiKeyFilter> reg = new FilterRegistrationBean<>(
                new ApiKeyFilter(props.security().apiKeys()));
        reg.addUrlPatterns("/classify", "/classify/*", "/v2/models/*");
        reg.setOrder(0);
        return reg;
    }
}

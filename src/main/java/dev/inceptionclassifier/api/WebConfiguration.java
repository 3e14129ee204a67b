package dev.inceptionclassifier.api;

import dev.inceptionclassifier.config.ClassifierProperties;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** HTTP plumbing that follows {@code classifier.*}: multipart limits aligned with the image limit, the API-key filter. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /** Multipart limits follow {@code classifier.image.max-bytes} (plus room for the part headers). */
    @Bean
    MultipartConfigElement multipartConfigElement(ClassifierProperties props) {
        long max = props.image().maxBytes();
        return new MultipartConfigElement(null, max, max + 64 * 1024, (int) Math.min(max, 1 << 20));
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ClassifierProperties props) {
        FilterRegistrationBean<ApiKeyFilter> reg = new FilterRegistrationBean<>(
                new ApiKeyFilter(props.security().apiKeys()));
        reg.addUrlPatterns("/classify", "/classify/*");
        reg.setOrder(0);
        return reg;
    }
}

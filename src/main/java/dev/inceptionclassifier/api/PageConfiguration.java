package dev.inceptionclassifier.api;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The upload page at {@code /} is served by Spring Boot from {@code classpath:/static/} (index.html as the welcome
 * page, assets under {@code /assets/}); this adds its security headers, ahead of every other filter.
 */
@Configuration(proxyBeanMethods = false)
class PageConfiguration {

    @Bean
    FilterRegistrationBean<SecurityHeadersFilter> securityHeadersFilter() {
        FilterRegistrationBean<SecurityHeadersFilter> reg = new FilterRegistrationBean<>(new SecurityHeadersFilter());
        reg.addUrlPatterns("/*");
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return reg;
    }
}

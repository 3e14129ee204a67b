package dev.inceptionclassifier.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The model most full-context tests serve: one Inception-v4 named {@code inception_v4} on seeded random weights, with
 * the random fallback off (so a load failure fails the test instead of being served). The test's own
 * {@code @SpringBootTest(properties = ...)} adds the settings it is about.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestPropertySource(
        properties = {
            "classifier.fallback-to-random=false",
            "classifier.models[0].name=inception_v4",
            "classifier.models[0].architecture=inception_v4",
            "classifier.models[0].source=random"
        })
public @interface RandomInceptionV4 {}

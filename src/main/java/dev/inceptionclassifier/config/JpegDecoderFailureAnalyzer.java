package dev.inceptionclassifier.config;

import dev.inceptionclassifier.image.JpegDecoderUnavailableException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** {@code classifier.image.jpeg-decoder=turbojpeg} without a usable libjpeg-turbo: a short report, no stack trace. */
class JpegDecoderFailureAnalyzer extends AbstractFailureAnalyzer<JpegDecoderUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, JpegDecoderUnavailableException cause) {
        return new FailureAnalysis("classifier.image.jpeg-decoder=turbojpeg, but " + cause.getMessage(), """
                Install libjpeg-turbo's Java binding and library (Debian/Ubuntu: apt-get install libturbojpeg-java
                libturbojpeg0), point classifier.image.turbojpeg-jar and classifier.image.turbojpeg-library at them, or
                set classifier.image.jpeg-decoder=auto (TurboJPEG where present, else ImageIO) or imageio.""", cause);
    }
}

# inception-classifier, CPU image.
#   docker build -t inception-classifier:0.1.0 .
#   docker build --build-arg PREBUILT_JAR=true -t inception-classifier:0.1.0 .   (after ./mvnw package: uses target/*.jar)
# Base images are build arguments: BUILD_IMAGE needs a JDK 17+ (or a JRE whose runtime image keeps jdk.compiler,
# as Debian's does) and, without PREBUILT_JAR, network access to Maven Central; RUNTIME_IMAGE needs a JRE 17+, glibc
# and bash; TURBOJPEG_IMAGE is a Debian image with apt access (it provides libjpeg-turbo's TurboJPEG, see below).
ARG BUILD_IMAGE=eclipse-temurin:17-jdk-jammy
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy
ARG TURBOJPEG_IMAGE=debian:bookworm-slim

# libjpeg-turbo's TurboJPEG Java binding and native library, from Debian's libturbojpeg-java and libturbojpeg0: the
# library Pillow decodes with, so JPEGs decode to Pillow's exact bytes at Pillow's speed (docs/image-decoding.md).
# A stage of its own because Ubuntu, the default runtime base, does not package the Java binding; the library needs
# nothing but libc, so any glibc runtime image can take the two files.
FROM ${TURBOJPEG_IMAGE} AS turbojpeg
RUN set -e; \
    apt-get update -q; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libturbojpeg-java; \
    mkdir -p /opt/turbojpeg; \
    cp /usr/share/java/turbojpeg.jar /opt/turbojpeg/turbojpeg.jar; \
    cp -L "$(dpkg -L libturbojpeg0 | grep '/libturbojpeg\.so\.0$')" /opt/turbojpeg/libturbojpeg.so.0; \
    cp /usr/share/doc/libturbojpeg0/copyright /opt/turbojpeg/copyright; \
    chmod -R a+rX /opt/turbojpeg

FROM ${BUILD_IMAGE} AS build
WORKDIR /workspace
ARG PREBUILT_JAR=false
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
# Dependencies in their own layer: a source change does not download them again.
RUN if [ "$PREBUILT_JAR" != true ]; then ./mvnw -B -ntp -q dependency:go-offline; fi
COPY src/ src/
# .dockerignore lets only target/inception-classifier-*.jar through; pom.xml keeps the COPY valid without it.
COPY pom.xml target* prebuilt/
COPY deploy/docker/FetchEngineNatives.java ./
RUN set -e; \
    if [ "$PREBUILT_JAR" = true ]; then \
      jar="$(ls prebuilt/inception-classifier-*.jar | head -n 1)"; \
    else \
      ./mvnw -B -ntp -q -DskipTests -Djacoco.skip=true package; \
      jar="$(ls target/inception-classifier-*.jar | head -n 1)"; \
    fi; \
    test -f "$jar" || { echo "no application jar (PREBUILT_JAR=$PREBUILT_JAR)" >&2; exit 1; }; \
    java -Djarmode=tools -jar "$jar" extract --layers --launcher --destination extracted
# Extract libtorch and the DJL JNI library now, into a folder of the image: at run time DJL finds them complete and
# writes nothing, so the root filesystem can be read-only and the container starts without network.
ENV ENGINE_CACHE_DIR=/opt/djl
# DJL creates its folders with mode 0700 (temp directories): open them to the non-root runtime user, or DJL
# cannot see the files and tries to extract again into the read-only folder.
RUN java -Dai.djl.offline=true -cp 'extracted/dependencies/BOOT-INF/lib/*' FetchEngineNatives.java \
 && chmod -R a+rX /opt/djl

FROM ${RUNTIME_IMAGE}
# Non-root user 10001 (useradd where the base has it, else plain entries in passwd/group).
RUN if command -v useradd >/dev/null 2>&1; then \
      groupadd --system --gid 10001 app && \
      useradd --system --uid 10001 --gid 10001 --home-dir /var/cache/inception-classifier --no-create-home \
        --shell /usr/sbin/nologin app; \
    else \
      echo 'app:x:10001:10001::/var/cache/inception-classifier:/usr/sbin/nologin' >>/etc/passwd && \
      echo 'app:x:10001:' >>/etc/group; \
    fi && \
    mkdir -p /app /var/cache/inception-classifier && chown 10001:10001 /var/cache/inception-classifier
WORKDIR /app
COPY --from=build /opt/djl/ /opt/djl/
COPY --from=turbojpeg /opt/turbojpeg/ /opt/turbojpeg/
# Spring Boot layers, least to most often changed.
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./

# Heap is a minority of the memory: weights, libtorch and activations live outside it (see docs/deployment/sizing.md).
# ExitOnOutOfMemoryError stays: uploads cannot exhaust the heap, because every decode first reserves its worst case
# from classifier.image.decode-memory-budget (50% of the heap); an OutOfMemoryError despite that is a bug or a
# misconfiguration, after which the JVM's state is unknown, so the process exits and is restarted (docs/image-decoding.md).
# MALLOC_ARENA_MAX=2: glibc's per-thread arenas grew the RSS by ~600 MB under concurrent requests (measured).
# Production fails closed: no random weights when a model cannot be fetched, and JPEGs are decoded by TurboJPEG
# (jpeg-decoder=turbojpeg: the start fails if it is missing, instead of falling back to ImageIO).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    CLASSIFIER_IMAGE_JPEGDECODER=turbojpeg \
    CLASSIFIER_IMAGE_TURBOJPEGJAR=/opt/turbojpeg/turbojpeg.jar \
    CLASSIFIER_IMAGE_TURBOJPEGLIBRARY=/opt/turbojpeg/libturbojpeg.so.0 \
    MALLOC_ARENA_MAX=2 \
    ENGINE_CACHE_DIR=/opt/djl \
    DJL_CACHE_DIR=/var/cache/inception-classifier/djl \
    CLASSIFIER_MODELCACHE=/var/cache/inception-classifier/models \
    CLASSIFIER_FALLBACKTORANDOM=false
VOLUME ["/var/cache/inception-classifier"]
USER 10001:10001
EXPOSE 8080
# Readiness turns UP once every model is loaded and warmed up; bash's /dev/tcp needs no curl in the image.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10m --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]

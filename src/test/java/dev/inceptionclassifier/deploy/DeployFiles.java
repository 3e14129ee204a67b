package dev.inceptionclassifier.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the deployment artifacts, relative to the project root (surefire's working directory). */
final class DeployFiles {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    static final Path CHART = ROOT.resolve("helm/inception-classifier");
    /** The one dashboard JSON: Helm can only read files inside the chart, so it lives there. */
    static final Path DASHBOARD = CHART.resolve("dashboards/inception-classifier.json");
    /** What docker-compose mounts into Grafana's provisioning folder (a symbolic link to {@link #DASHBOARD}). */
    static final Path COMPOSE_DASHBOARD = ROOT.resolve("deploy/grafana/dashboards/inception-classifier.json");

    static final Path PROMETHEUS_CONFIG = ROOT.resolve("deploy/prometheus/prometheus.yml");
    static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    static final Path TEST_RESOURCES = ROOT.resolve("src/test/resources/deploy");
    /** npm packages of the dashboard schema check, installed by .ci/deploy-prereqs.sh. */
    static final Path NODE_MODULES = ROOT.resolve(".ci/deploy-node/node_modules");

    private DeployFiles() {}

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package dev.sekisho.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options of {@code sekisho scan --server URL}: the Tekton step's mode, in which the operator's
 * scan API decides (see docs/pipeline-authors.md). Defaults fit a pod: the ServiceAccount token and
 * namespace come from the mounted service account.
 */
public final class ServerOptions {
  /**
   * Where the scan-image Task mounts the operator's CA bundle (ConfigMap {@code
   * sekisho-scan-api-ca}, key {@code ca.crt}, an optional volume); env {@code SEKISHO_PUBLISHED_CA}
   * names another place.
   */
  static final Path PUBLISHED_CA = Path.of("/etc/sekisho/scan-api-ca/ca.crt");

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Submit the scan to the Sekisho operator's scan API at URL, which matches, records a"
              + " ScanResult, applies the cluster's policies and decides the verdict"
              + " (env SEKISHO_SERVER).")
  String server;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description =
          "Namespace the scan belongs to (default: env SEKISHO_NAMESPACE, else the pod's"
              + " service-account namespace).")
  String namespace;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "ServiceAccount token to authenticate to the scan API (default: the pod's mounted"
              + " token).")
  Path tokenFile;

  @Option(
      names = "--server-ca",
      paramLabel = "PEM",
      description =
          "CA bundle to verify the scan API's certificate (default: env SEKISHO_SERVER_CA, else"
              + " the CA the operator publishes when mounted (ConfigMap sekisho-scan-api-ca at"
              + " /etc/sekisho/scan-api-ca/ca.crt or env SEKISHO_PUBLISHED_CA) and OpenShift's"
              + " service CA when mounted, else the system trust store).")
  Path serverCa;

  @Option(
      names = "--server-timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long to wait for the scan API's verdict (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--server-wait",
      paramLabel = "SECONDS",
      defaultValue = "180",
      description =
          "How long to keep retrying, with backoff, while the scan API refuses connections or"
              + " answers 503 (an operator restarting or still loading its database) before"
              + " failing closed; 0 tries once (env SEKISHO_SERVER_WAIT; default:"
              + " ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(
      names = "--tekton-results-dir",
      paramLabel = "DIR",
      description =
          "Write the Tekton results VERDICT, SCAN_RESULT, CRITICAL, HIGH, FIXABLE and IMAGE_DIGEST"
              + " as files in DIR (the Task passes /tekton/results).")
  Path tektonResultsDir;

  @Option(
      names = "--reports-dir",
      paramLabel = "DIR",
      description =
          "Also write the image's SBOMs, sbom.cdx.json and sbom.spdx.json, into DIR (env"
              + " SEKISHO_REPORTS_DIR; the Task binds its reports workspace). The findings and the"
              + " verdict are in the ScanResult the operator writes.")
  Path reportsDir;

  boolean enabled(CliContext context) {
    return server(context) != null;
  }

  String server(CliContext context) {
    String s = server != null ? server : context.env().get("SEKISHO_SERVER");
    return s == null || s.isBlank() ? null : s;
  }

  String namespace(CliContext context) {
    if (namespace != null && !namespace.isBlank()) {
      return namespace;
    }
    String env = context.env().get("SEKISHO_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env;
    }
    Path file = context.serviceAccountDir().resolve("namespace");
    try {
      return Files.isReadable(file) ? Files.readString(file).trim() : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  Path tokenFile(CliContext context) {
    return tokenFile != null ? tokenFile : context.serviceAccountDir().resolve("token");
  }

  /**
   * The CA bundles to trust: the one given by flag or SEKISHO_SERVER_CA (which must exist); else
   * every default bundle that is mounted, the CA the operator publishes and OpenShift's service CA
   * (a cluster has one or the other; trusting both is harmless); empty for the system trust store.
   */
  List<Path> serverCa(CliContext context) {
    if (serverCa != null) {
      return List.of(serverCa);
    }
    String env = context.env().get("SEKISHO_SERVER_CA");
    if (env != null && !env.isBlank()) {
      return List.of(Path.of(env));
    }
    String published = context.env().get("SEKISHO_PUBLISHED_CA");
    List<Path> defaults =
        List.of(
            published != null && !published.isBlank() ? Path.of(published) : PUBLISHED_CA,
            context.serviceAccountDir().resolve("service-ca.crt"));
    return defaults.stream().filter(Files::isReadable).toList();
  }

  /**
   * {@code --server-wait}; {@code SEKISHO_SERVER_WAIT} and the config file reach it as its default
   * (ConfigDefaults).
   */
  int waitSeconds() {
    if (waitSeconds < 0) {
      throw new UserInputException("--server-wait " + waitSeconds + ": must be 0 or more");
    }
    return waitSeconds;
  }

  Path reportsDir(CliContext context) {
    // the Task passes SEKISHO_REPORTS_DIR="" when the reports workspace is not bound, which
    // reaches this option as an empty path
    if (reportsDir != null && !reportsDir.toString().isBlank()) {
      return reportsDir;
    }
    String env = context.env().get("SEKISHO_REPORTS_DIR");
    return env == null || env.isBlank() ? null : Path.of(env);
  }
}

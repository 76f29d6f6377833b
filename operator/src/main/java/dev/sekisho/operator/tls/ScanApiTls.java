package dev.sekisho.operator.tls;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scan API's TLS: loads the serving certificate from its {@link Source}, serves it through a
 * {@link ReloadingKeyManager}, and re-loads it on a schedule so a renewed certificate (by
 * cert-manager, OpenShift's service CA, or {@link ManagedCertificates}) is served without a
 * restart. Each replica also keeps the CA bundle ConfigMap in the operator's own namespace, where
 * admins can copy it from.
 */
public final class ScanApiTls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScanApiTls.class);

  /** Where the serving certificate comes from. */
  @FunctionalInterface
  public interface Source {
    ServingMaterial load() throws GeneralSecurityException, IOException;

    /**
     * A cheap fingerprint of what {@link #load()} would read (file times and identities), checked
     * every {@link #CHANGE_POLL}: when it changes, the certificate is reloaded at once instead of
     * at the next refresh. Null when the source has none (it is reloaded on the refresh only).
     */
    default Object version() throws IOException {
      return null;
    }
  }

  /** How often a source's {@link Source#version()} is checked. */
  static final Duration CHANGE_POLL = Duration.ofSeconds(10);

  /**
   * A directory laid out like a mounted {@code kubernetes.io/tls} Secret: {@code tls.crt}, {@code
   * tls.key}, and {@code ca.crt} when the issuer adds it (cert-manager does; OpenShift's service CA
   * does not, it distributes its CA itself).
   */
  public static Source directory(Path dir) {
    return new Source() {
      @Override
      public ServingMaterial load() throws IOException {
        Path caFile = dir.resolve("ca.crt");
        String ca = Files.isRegularFile(caFile) ? Files.readString(caFile) : null;
        return new ServingMaterial(
            new PemKeyPair(
                Files.readString(dir.resolve("tls.crt")), Files.readString(dir.resolve("tls.key"))),
            ca == null || ca.isBlank() ? null : ca,
            dir.toString());
      }

      @Override
      public Object version() {
        return fingerprint(dir);
      }
    };
  }

  /**
   * Modification time, size and file identity of each file of a mounted Secret, following the
   * kubelet's symbolic links (it swaps a {@code ..data} link to a new directory on every update).
   */
  static List<String> fingerprint(Path dir) {
    List<String> out = new ArrayList<>();
    for (String name : List.of("tls.crt", "tls.key", "ca.crt")) {
      try {
        BasicFileAttributes a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class);
        out.add(name + " " + a.lastModifiedTime() + " " + a.size() + " " + a.fileKey());
      } catch (IOException e) {
        out.add(name + " absent");
      }
    }
    return out;
  }

  /**
   * The certificate mounted in {@code dir} when there is one, else {@code fallback}'s: checked at
   * every load, so a Secret mounted after start-up (an OpenShift service CA or cert-manager
   * certificate issued later) is served from the next refresh on, without a restart.
   */
  public static Source directoryOr(Path dir, Source fallback) {
    Source mounted = directory(dir);
    return new Source() {
      @Override
      public ServingMaterial load() throws GeneralSecurityException, IOException {
        return hasCertificate(dir) ? mounted.load() : fallback.load();
      }

      @Override
      public Object version() throws IOException {
        return mounted.version();
      }
    };
  }

  /** Whether {@code dir} holds a mounted certificate to serve. */
  public static boolean hasCertificate(Path dir) {
    return dir != null && Files.isRegularFile(dir.resolve("tls.crt"));
  }

  private final Source source;
  private final KubernetesClient client;
  private final String namespace;
  private final String configMap;
  private final ReloadingKeyManager keys;
  private final SSLContext context;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("scan-api-tls").factory());
  private volatile ServingMaterial current;
  private volatile Object version;
  private volatile Runnable bundleChanged = () -> {};

  /**
   * Loads the first certificate; fails when it cannot be read or is not valid.
   *
   * @param configMap name of the CA bundle ConfigMap kept in {@code namespace}, or null for none
   */
  public ScanApiTls(Source source, KubernetesClient client, String namespace, String configMap)
      throws GeneralSecurityException, IOException {
    this.source = source;
    this.client = client;
    this.namespace = namespace;
    this.configMap = configMap;
    ServingMaterial first = load();
    this.keys = new ReloadingKeyManager(first.serving());
    this.context = ReloadingKeyManager.serverContext(keys);
    this.current = first;
    LOG.info(
        "scan api certificate loaded source={} subject=\"{}\" notAfter={}",
        first.source(),
        keys.current().getSubjectX500Principal(),
        keys.current().getNotAfter().toInstant());
  }

  private ServingMaterial load() throws GeneralSecurityException, IOException {
    version = source.version();
    ServingMaterial m = source.load();
    try {
      m.serving().certificate();
      m.serving().privateKey();
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(
          "the scan API certificate from " + m.source() + " is not usable: " + e.getMessage(), e);
    }
    return m;
  }

  /** The server context: serves whatever certificate was loaded last. */
  public SSLContext context() {
    return context;
  }

  /** The CA bundle that verifies the served certificate, when known. */
  public Optional<String> caBundle() {
    return Optional.ofNullable(current.caBundle());
  }

  /** Runs {@code listener} after a refresh that changed the CA bundle. */
  public void onBundleChange(Runnable listener) {
    this.bundleChanged = listener;
  }

  /**
   * Re-loads the certificate now; a changed one is served from the next handshake on, a changed CA
   * bundle is published in the operator's namespace and reported to the {@link #onBundleChange}
   * listener.
   */
  public void refresh() throws GeneralSecurityException, IOException {
    ServingMaterial next = load();
    if (!next.serving().equals(current.serving())) {
      keys.replace(next.serving());
      LOG.info(
          "scan api certificate reloaded source={} notAfter={}",
          next.source(),
          keys.current().getNotAfter().toInstant());
    }
    boolean changed = !Objects.equals(next.caBundle(), current.caBundle());
    current = next;
    publishOwn();
    if (changed) {
      LOG.info("scan api CA bundle changed source={}", next.source());
      bundleChanged.run();
    }
  }

  private void publishOwn() {
    if (configMap != null && current.caBundle() != null) {
      CaBundlePublisher.keep(client, namespace, configMap, current.caBundle());
    }
  }

  /**
   * Publishes the CA bundle in the operator's namespace, re-loads every {@code period}, and at once
   * when the source's {@link Source#version()} changes (checked every {@link #CHANGE_POLL}).
   */
  public void start(Duration period) {
    scheduler.execute(this::publishLogged);
    scheduler.scheduleWithFixedDelay(
        this::refreshLogged, period.toSeconds(), period.toSeconds(), TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(
        this::refreshIfChanged,
        CHANGE_POLL.toMillis(),
        CHANGE_POLL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void refreshIfChanged() {
    try {
      Object now = source.version();
      if (now != null && !now.equals(version)) {
        LOG.info("scan api certificate files changed: reloading");
        refreshLogged();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot check the scan api certificate files: {}", e.toString());
    }
  }

  private void publishLogged() {
    try {
      publishOwn();
    } catch (RuntimeException e) {
      LOG.warn("cannot publish the scan api CA bundle namespace={}: {}", namespace, e.toString());
    }
  }

  private void refreshLogged() {
    try {
      refresh();
    } catch (Exception e) {
      LOG.error("scan api certificate reload failed; serving the previous one: {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}

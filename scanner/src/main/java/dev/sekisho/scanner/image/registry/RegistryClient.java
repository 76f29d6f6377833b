package dev.sekisho.scanner.image.registry;

import dev.sekisho.scanner.image.oci.ConfigBlob;
import dev.sekisho.scanner.image.oci.Descriptor;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.ImageConfig;
import dev.sekisho.scanner.image.oci.ImageIndex;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.Manifest;
import dev.sekisho.scanner.image.oci.ManifestDocument;
import dev.sekisho.scanner.image.oci.MediaTypes;
import dev.sekisho.scanner.image.oci.Platform;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.oci.VerifyingInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of the OCI Distribution API (pull only), on Apache HttpClient 5 (classic, blocking I/O).
 *
 * <ul>
 *   <li>Manifests: OCI and Docker schema 2, indexes and manifest lists with platform selection;
 *       schema 1 is refused with a clear error.
 *   <li>Auth: anonymous first; on a 401 the {@code WWW-Authenticate} challenge decides: Bearer
 *       (token from the realm for service and {@code repository:REPO:pull}, cached per registry and
 *       scope until it expires) or Basic. Credentials come from a {@link CredentialStore} ({@link
 *       RegistryAuth}).
 *   <li>Retries: 429, 500, 502, 503, 504 and connection failures are retried with exponential
 *       backoff, honouring {@code Retry-After} (seconds or HTTP date, capped), for at most {@link
 *       RegistryOptions#maxAttempts()} attempts per request and no longer than {@link
 *       RegistryLimits#retryTimeout()} ({@link RetryPolicy}).
 *   <li>Time limits ({@link RegistryLimits}): a connect timeout, a read timeout (no byte for that
 *       long fails the request), a total time per attempt at a manifest, index, config or token,
 *       and a minimum average speed for layers. Every limit that trips names the registry, the
 *       limit and the option that raises it.
 *   <li>Integrity: every manifest and blob is checked against its digest; blobs while they stream
 *       ({@link VerifyingInputStream}).
 *   <li>Transport: HTTPS, with extra CAs from the options; plain HTTP only for registries listed in
 *       {@link RegistryOptions#plainHttpRegistries()}. Redirects (blob storage) are followed by
 *       hand so that the Authorization header never leaves the registry's host ({@link
 *       RegistryTransport}, {@link RegistryReply}).
 * </ul>
 *
 * <p>This class is the protocol: which manifest, index, config and blob to fetch, and how each is
 * verified; the transport and authentication below it are the classes named above.
 *
 * <p>Why not {@link java.net.http.HttpClient}: its {@code InputStream} body hands the content over
 * in 16 KiB buffers through a selector thread and wakes that thread for every buffer drained; on
 * the benchmark image (553 MiB of layers) downloading and hashing cost 2.1 s of CPU against 0.74 s
 * for this blocking client, which reads large buffers straight from the socket on the calling
 * thread (bench/README.md).
 *
 * <p>Thread-safe; share one per scan, and close it when done (it holds a connection pool).
 */
public final class RegistryClient implements Closeable {
  /** Largest manifest or index read (the CNCF distribution registry refuses more than 4 MiB). */
  static final int MAX_MANIFEST_BYTES = 8 << 20;

  /** Waits between retries; replaceable in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final RegistryOptions options;
  private final RegistryTransport transport;
  private final RegistryAuth auth;
  private final AtomicLong blobRequests = new AtomicLong();

  /**
   * A client with credentials and TLS settings from the options.
   *
   * @throws ImageAccessException when a credential file or CA bundle cannot be read
   */
  public RegistryClient(RegistryOptions options) throws ImageAccessException {
    this(options, CredentialStore.load(options), Thread::sleep);
  }

  /** A client with explicit credentials and sleeper (tests). */
  public RegistryClient(RegistryOptions options, CredentialStore credentials, Sleeper sleeper)
      throws ImageAccessException {
    this.options = options;
    this.transport = new RegistryTransport(options, d -> sleeper.sleep(d));
    this.auth = new RegistryAuth(transport, credentials);
  }

  /** Closes the connections this client keeps open. */
  @Override
  public void close() {
    transport.close();
  }

  /** The raw manifest or index as served, with its media type and verified digest. */
  public record ManifestResponse(byte[] body, String mediaType, String digest) {}

  /** How many blob downloads this client started (including retries' re-sends not counted). */
  public long blobRequests() {
    return blobRequests.get();
  }

  /**
   * Resolves a reference to one platform's manifest and config, without reading any layer.
   *
   * @throws ImageAccessException with the reasons documented on {@link ImageAccessException}
   */
  /**
   * The platforms {@code ref} offers and their manifest digests when it names an index (see {@link
   * ImageIndex#platforms()}), or an empty map when it names a single image.
   */
  public Map<Platform, String> platforms(ImageReference ref) throws ImageAccessException {
    ManifestResponse top = fetchManifest(ref);
    ManifestDocument doc =
        ManifestDocument.parse(top.body(), top.mediaType(), "manifest of " + ref);
    return doc instanceof ImageIndex index ? index.platforms() : Map.of();
  }

  public ResolvedImage fetchImage(ImageReference ref, Platform platform)
      throws ImageAccessException {
    ManifestResponse top = fetchManifest(ref);
    ManifestDocument doc =
        ManifestDocument.parse(top.body(), top.mediaType(), "manifest of " + ref);
    String manifestDigest = top.digest();
    Manifest manifest;
    Platform selected = null;
    if (doc instanceof ImageIndex index) {
      Descriptor entry = index.select(platform, "the index of " + ref);
      selected = entry.platform().toPlatform();
      ImageReference byDigest = ref.withDigest(entry.digest());
      ManifestResponse m = fetchManifest(byDigest);
      ManifestDocument inner =
          ManifestDocument.parse(
              m.body(), m.mediaType(), "manifest " + entry.digest() + " of " + ref);
      if (!(inner instanceof Manifest mf)) {
        throw new ImageAccessException(
            Reason.UNSUPPORTED,
            "the index of "
                + ref
                + " points to another index for "
                + platform
                + " (nested indexes are not supported)");
      }
      manifest = mf;
      manifestDigest = m.digest();
    } else {
      manifest = (Manifest) doc;
    }
    Descriptor configBlob = manifest.config();
    ImageConfig config =
        ConfigBlob.read(
                () -> openBlob(ref, configBlob, true),
                configBlob.size(),
                null,
                "the config " + configBlob.digest() + " of " + ref)
            .config();
    Platform actual = config.platform() != null ? config.platform() : selected;
    return new ResolvedImage(
        ref.registry(),
        ref.repository(),
        ref.effectiveTag(),
        top.digest(),
        manifestDigest,
        manifest,
        config,
        actual);
  }

  /**
   * Fetches a manifest or index by tag or digest and verifies its digest: against the reference's
   * digest when it has one, else against the {@code Docker-Content-Digest} header when the server
   * sends one.
   */
  public ManifestResponse fetchManifest(ImageReference ref) throws ImageAccessException {
    URI uri = uri(ref, "/manifests/" + ref.manifestReference());
    String what = "manifest " + ref.manifestReference() + " of " + ref.name();
    RegistryReply resp = auth.exchange(ref, uri, MediaTypes.MANIFEST_ACCEPT, what);
    int status = resp.statusCode();
    if (status != 200) {
      throw failure(ref, resp, what);
    }
    byte[] body = resp.readLimited(MAX_MANIFEST_BYTES, what);
    String contentType = resp.header("Content-Type").orElse(null);
    String expected = ref.digest();
    Digest computed;
    if (expected != null) {
      Digest d = Digest.parse(expected);
      if (!d.matches(body)) {
        throw new ImageAccessException(
            Reason.DIGEST_MISMATCH,
            what + " does not match its digest " + expected + " (tampered or corrupt): rejected");
      }
      computed = d;
    } else {
      computed = Digest.sha256(body);
      Optional<String> header = resp.header("Docker-Content-Digest");
      if (header.isPresent()
          && header.get().startsWith("sha256:")
          && !header.get().equals(computed.toString())) {
        throw new ImageAccessException(
            Reason.DIGEST_MISMATCH,
            what
                + " has digest "
                + computed
                + " but the registry says "
                + header.get()
                + " (tampered or corrupt): rejected");
      }
    }
    return new ManifestResponse(body, contentType, computed.toString());
  }

  /**
   * Opens a blob for streaming. The stream verifies size and digest and fails at its end when they
   * do not match: read it to the end before trusting anything read from it. The caller closes it.
   */
  public InputStream openBlob(ImageReference ref, Descriptor blob) throws ImageAccessException {
    return openBlob(ref, blob, false);
  }

  /**
   * Opens a blob. A small one (a config) must arrive whole within the request timeout; a layer is
   * held to the minimum speed instead, and never delivers more than its descriptor's size.
   */
  private InputStream openBlob(ImageReference ref, Descriptor blob, boolean small)
      throws ImageAccessException {
    Digest digest = parseDigest(blob.digest(), ref);
    String what = "blob " + blob.digest() + " of " + ref.name();
    if (blob.size() < 0) {
      throw new ImageAccessException(
          Reason.INVALID, "the descriptor of " + what + " has a negative size " + blob.size());
    }
    URI uri = uri(ref, "/blobs/" + blob.digest());
    blobRequests.incrementAndGet();
    RegistryReply resp = auth.exchange(ref, uri, null, what);
    if (resp.statusCode() != 200) {
      throw failure(ref, resp, what);
    }
    // The descriptor's size is exact (a missing size reads as 0): a blob that sends more is cut
    // off there, so a registry cannot stream a layer forever.
    long size = blob.size();
    try {
      InputStream body = resp.body();
      RegistryLimits limits = options.limits();
      if (!small) {
        resp.disarm();
        if (limits.minBlobSpeed() > 0) {
          body =
              new MinimumSpeedInputStream(
                  body, limits.minBlobSpeed(), limits.blobSpeedTime(), what);
        }
      }
      return new VerifyingInputStream(body, digest, size, what);
    } catch (IOException e) {
      try {
        resp.close(); // aborts the connection rather than leaving it open
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new ImageAccessException(
          Reason.IO, "cannot read " + what + ": " + RegistryTransport.describe(e), e);
    }
  }

  private URI uri(ImageReference ref, String suffix) {
    String host =
        ref.registry().equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : ref.registry();
    String scheme = transport.plainHttp(ref.registry()) ? "http" : "https";
    return URI.create(scheme + "://" + host + "/v2/" + ref.repository() + suffix);
  }

  private ImageAccessException failure(ImageReference ref, RegistryReply resp, String what)
      throws ImageAccessException {
    int status = resp.statusCode();
    String errors = resp.errorText();
    if (status == 401 || status == 403) {
      return auth.unauthorized(ref.registry(), RegistryAuth.scope(ref), status, errors, true);
    }
    if (status == 404) {
      String subject;
      if (errors.contains("NAME_UNKNOWN")) {
        subject = "repository " + ref.name() + " not found";
      } else if (what.startsWith("manifest")) {
        subject =
            (ref.digest() != null ? "manifest " + ref.digest() : "tag " + ref.manifestReference())
                + " not found in "
                + ref.name();
      } else {
        subject = what + " not found";
      }
      return new ImageAccessException(
          Reason.NOT_FOUND,
          subject + " (HTTP 404" + (errors.isEmpty() ? ")" : errors.substring(1) + ")"));
    }
    return new ImageAccessException(
        Reason.INVALID, "unexpected answer fetching " + what + ": HTTP " + status + errors);
  }

  private static Digest parseDigest(String digest, ImageReference ref) throws ImageAccessException {
    try {
      return Digest.parse(digest);
    } catch (IllegalArgumentException e) {
      throw new ImageAccessException(Reason.INVALID, "in " + ref + ": " + e.getMessage(), e);
    }
  }
}

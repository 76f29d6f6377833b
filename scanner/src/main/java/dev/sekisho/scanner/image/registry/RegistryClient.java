package dev.sekisho.scanner.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the OCI Distribution API (pull only), on Apache HttpClient 5 (classic, blocking I/O).
 *
 * <ul>
 *   <li>Manifests: OCI and Docker schema 2, indexes and manifest lists with platform selection;
 *       schema 1 is refused with a clear error.
 *   <li>Auth: anonymous first; on a 401 the {@code WWW-Authenticate} challenge decides: Bearer
 *       (token from the realm for service and {@code repository:REPO:pull}, cached per registry and
 *       scope until it expires) or Basic. Credentials come from a {@link CredentialStore}.
 *   <li>Retries: 429, 500, 502, 503, 504 and connection failures are retried with exponential
 *       backoff, honouring {@code Retry-After} (seconds or HTTP date, capped), for at most {@link
 *       RegistryOptions#maxAttempts()} attempts per request and no longer than {@link
 *       RegistryLimits#retryTimeout()}.
 *   <li>Time limits ({@link RegistryLimits}): a connect timeout, a read timeout (no byte for that
 *       long fails the request), a total time per attempt at a manifest, index, config or token,
 *       and a minimum average speed for layers. Every limit that trips names the registry, the
 *       limit and the option that raises it.
 *   <li>Integrity: every manifest and blob is checked against its digest; blobs while they stream
 *       ({@link VerifyingInputStream}).
 *   <li>Transport: HTTPS, with extra CAs from the options; plain HTTP only for registries listed in
 *       {@link RegistryOptions#plainHttpRegistries()}. Redirects (blob storage) are followed by
 *       hand so that the Authorization header never leaves the registry's host.
 * </ul>
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
  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
  private static final String USER_AGENT = "sekisho";

  /** Largest manifest or index read (the CNCF distribution registry refuses more than 4 MiB). */
  static final int MAX_MANIFEST_BYTES = 8 << 20;

  /** Largest image config read. */
  static final int MAX_CONFIG_BYTES = 32 << 20;

  /** Largest token-service answer read. */
  static final int MAX_TOKEN_BYTES = 1 << 20;

  private static final int MAX_ERROR_BYTES = 64 << 10;
  private static final int MAX_REDIRECTS = 10;
  private static final Duration BASE_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(16);

  /** Connections per registry host: layers are fetched in parallel. */
  private static final int MAX_CONNECTIONS_PER_HOST = 16;

  /** Waits between retries; replaceable in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final RegistryOptions options;
  private final CredentialStore credentials;
  private final CloseableHttpClient http;
  private final Sleeper sleeper;

  /** Aborts requests that pass their deadline: one daemon thread, idle but for that. */
  private final ScheduledExecutorService deadlines;

  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final AtomicLong blobRequests = new AtomicLong();

  private record Token(String value, Instant expires) {}

  /** A request to send: GET, or POST of a form when {@code form} is not null. */
  private record Request(URI uri, List<Map.Entry<String, String>> headers, String form) {}

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
    this.credentials = credentials;
    this.sleeper = d -> sleeper.sleep(d);
    Timeout readTimeout = Timeout.of(options.limits().readTimeout());
    // Redirects, authentication and retries are this class's own (see above), so the client's
    // are off; content is never decoded (digests are over the bytes as served).
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setTlsSocketStrategy(
                        options.caBundles().isEmpty()
                            ? new DefaultTlsOnFirstUse()
                            : new DefaultClientTlsStrategy(
                                TlsSettings.context(options.caBundles())))
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(options.connectTimeout()))
                            .setSocketTimeout(readTimeout)
                            .build())
                    .setMaxConnPerRoute(MAX_CONNECTIONS_PER_HOST)
                    .setMaxConnTotal(4 * MAX_CONNECTIONS_PER_HOST)
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setRedirectsEnabled(false)
                    .setAuthenticationEnabled(false)
                    .setResponseTimeout(readTimeout)
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableContentCompression()
            .disableCookieManagement()
            .disableAuthCaching()
            .build();
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "sekisho-registry-deadlines");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.deadlines = timer;
  }

  /** Closes the connections this client keeps open. */
  @Override
  public void close() {
    deadlines.shutdownNow();
    try {
      http.close();
    } catch (IOException e) {
      LOG.debug("closing the registry client's connections failed", e);
    }
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
    byte[] configBytes = fetchBlob(ref, manifest.config(), MAX_CONFIG_BYTES, "config");
    ImageConfig config =
        ImageConfig.parse(configBytes, "the config " + manifest.config().digest() + " of " + ref);
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
    Reply resp = exchange(ref, uri, MediaTypes.MANIFEST_ACCEPT, what);
    int status = resp.statusCode();
    if (status != 200) {
      throw failure(ref, resp, what);
    }
    byte[] body = readLimited(resp, MAX_MANIFEST_BYTES, what);
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
    Reply resp = exchange(ref, uri, null, what);
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
      throw new ImageAccessException(Reason.IO, "cannot read " + what + ": " + describe(e), e);
    }
  }

  private static ImageAccessException tooLarge(
      ImageReference ref, Descriptor blob, int maxBytes, String kind) {
    return new ImageAccessException(
        Reason.INVALID,
        "the "
            + kind
            + " blob "
            + blob.digest()
            + " of "
            + ref.name()
            + " is larger than "
            + maxBytes
            + " bytes (the limit for an image "
            + kind
            + ")");
  }

  /** Reads a small blob whole (configs), verified. */
  public byte[] fetchBlob(ImageReference ref, Descriptor blob, int maxBytes, String kind)
      throws ImageAccessException {
    if (blob.size() > maxBytes) {
      throw tooLarge(ref, blob, maxBytes, kind);
    }
    try (InputStream in = openBlob(ref, blob, true)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw tooLarge(ref, blob, maxBytes, kind);
      }
      return bytes;
    } catch (ImageAccessException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageAccessException(
          Reason.IO,
          "cannot read the "
              + kind
              + " blob "
              + blob.digest()
              + " of "
              + ref.name()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  // ---- transport -------------------------------------------------------------------------

  private boolean plainHttp(String registry) {
    return options.plainHttpRegistries().contains(registry);
  }

  private URI uri(ImageReference ref, String suffix) {
    String host =
        ref.registry().equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : ref.registry();
    String scheme = plainHttp(ref.registry()) ? "http" : "https";
    return URI.create(scheme + "://" + host + "/v2/" + ref.repository() + suffix);
  }

  private static String scope(ImageReference ref) {
    return "repository:" + ref.repository() + ":pull";
  }

  /**
   * Sends a GET with auth and retries. Returns the final response (any status but 401 handled,
   * 429/5xx exhausted); its body stream is open.
   */
  private Reply exchange(ImageReference ref, URI uri, String accept, String what)
      throws ImageAccessException {
    String registry = ref.registry();
    String scope = scope(ref);
    boolean authenticated = false;
    while (true) {
      String authorization = authorization(registry, scope);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      headers.add(Map.entry("User-Agent", USER_AGENT));
      if (accept != null) {
        headers.add(Map.entry("Accept", accept));
      }
      if (authorization != null) {
        headers.add(Map.entry("Authorization", authorization));
      }
      Reply resp = sendWithRetries(new Request(uri, headers, null), what + " from " + registry);
      if (resp.statusCode() != 401 || authenticated) {
        return resp;
      }
      String header = String.join(", ", resp.allHeaders("WWW-Authenticate"));
      String errors = errorText(resp);
      authenticated = true;
      if (!authenticate(registry, scope, header, authorization != null)) {
        throw unauthorized(registry, scope, 401, errors, authorization != null);
      }
    }
  }

  /** The Authorization header for a request, from what earlier challenges taught, or null. */
  private String authorization(String registry, String scope) throws ImageAccessException {
    AuthChallenge challenge = challenges.get(registry);
    Optional<RegistryCredential> credential = credentials.lookup(registry);
    if (challenge == null) {
      return credential
          .filter(c -> c instanceof RegistryCredential.RegistryToken)
          .map(c -> "Bearer " + ((RegistryCredential.RegistryToken) c).token())
          .orElse(null);
    }
    if (challenge.scheme().equals("basic")) {
      return credential.map(RegistryClient::basicHeader).orElse(null);
    }
    Token token = tokens.get(registry + " " + scope);
    if (token != null && token.expires().isAfter(Instant.now())) {
      return "Bearer " + token.value();
    }
    return null;
  }

  /**
   * Learns from a 401's challenge and obtains what the next attempt needs. Returns false when there
   * is nothing more to try.
   */
  private boolean authenticate(String registry, String scope, String header, boolean hadAuth)
      throws ImageAccessException {
    List<AuthChallenge> parsed = AuthChallenge.parse(header);
    AuthChallenge bearer = null;
    AuthChallenge basic = null;
    for (AuthChallenge c : parsed) {
      if (c.scheme().equals("bearer") && c.realm() != null && bearer == null) {
        bearer = c;
      } else if (c.scheme().equals("basic") && basic == null) {
        basic = c;
      }
    }
    Optional<RegistryCredential> credential = credentials.lookup(registry);
    if (bearer != null) {
      challenges.put(registry, bearer);
      Token token = fetchToken(registry, bearer, scope, credential.orElse(null));
      tokens.put(registry + " " + scope, token);
      return true;
    }
    if (basic != null) {
      challenges.put(registry, basic);
      if (credential.isEmpty() || hadAuth) {
        return false;
      }
      if (!(credential.get() instanceof RegistryCredential.Basic
          || credential.get() instanceof RegistryCredential.ServiceAccountToken)) {
        throw new ImageAccessException(
            Reason.UNAUTHORIZED,
            "registry "
                + registry
                + " asks for basic authentication, but its credential is a "
                + credential.get()
                + "; give a user name and password");
      }
      return true;
    }
    throw new ImageAccessException(
        Reason.UNAUTHORIZED,
        "registry "
            + registry
            + " answered 401 for "
            + scope
            + " with no usable challenge"
            + (header.isBlank()
                ? " (no WWW-Authenticate header)"
                : " (WWW-Authenticate: " + header + ")"));
  }

  private Token fetchToken(
      String registry, AuthChallenge challenge, String scope, RegistryCredential credential)
      throws ImageAccessException {
    StringBuilder query = new StringBuilder();
    String service = challenge.params().get("service");
    if (service != null) {
      query.append("service=").append(encode(service)).append('&');
    }
    query.append("scope=").append(encode(scope));
    URI realm;
    try {
      realm = URI.create(challenge.realm());
    } catch (IllegalArgumentException e) {
      throw new ImageAccessException(
          Reason.INVALID,
          "registry " + registry + " names an invalid token realm " + challenge.realm());
    }
    String what = "token for " + scope + " from " + realm + " (registry " + registry + ")";
    String realmScheme =
        realm.getScheme() == null ? "" : realm.getScheme().toLowerCase(Locale.ROOT);
    if ((!realmScheme.equals("https") && !realmScheme.equals("http")) || realm.getHost() == null) {
      throw new ImageAccessException(
          Reason.INVALID,
          "registry " + registry + " names a token realm that is not an HTTP(S) URL: " + realm);
    }
    if (credential != null && realmScheme.equals("http") && !plainHttp(registry)) {
      // The registry was reached over HTTPS: its credentials never travel in clear text, even
      // when the registry asks for it. Registries the user opted into plain HTTP are exempt.
      throw new ImageAccessException(
          Reason.UNAUTHORIZED,
          "registry "
              + registry
              + " names a token realm over plain HTTP ("
              + realm
              + "); its credentials are sent over HTTPS only: fix the registry's token realm, or"
              + " reach "
              + registry
              + " over plain HTTP on purpose (--insecure-registry "
              + registry
              + ")");
    }
    Reply resp;
    if (credential instanceof RegistryCredential.IdentityToken identity) {
      // OAuth2 refresh-token grant, as Docker does with identity tokens.
      StringBuilder form =
          new StringBuilder("grant_type=refresh_token&client_id=sekisho&refresh_token=")
              .append(encode(identity.token()))
              .append("&scope=")
              .append(encode(scope));
      if (service != null) {
        form.append("&service=").append(encode(service));
      }
      resp =
          sendWithRetries(
              new Request(realm, List.of(Map.entry("User-Agent", USER_AGENT)), form.toString()),
              what);
    } else {
      URI uri =
          URI.create(challenge.realm() + (challenge.realm().contains("?") ? "&" : "?") + query);
      String basic =
          credential == null || credential instanceof RegistryCredential.RegistryToken
              ? null
              : basicHeader(credential);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      headers.add(Map.entry("User-Agent", USER_AGENT));
      if (basic != null) {
        headers.add(Map.entry("Authorization", basic));
      }
      resp = sendWithRetries(new Request(uri, headers, null), what);
    }
    int status = resp.statusCode();
    if (status == 401 || status == 403) {
      throw unauthorized(registry, scope, status, errorText(resp), credential != null);
    }
    if (status != 200) {
      throw new ImageAccessException(
          Reason.INVALID, "cannot get a " + what + ": HTTP " + status + errorText(resp));
    }
    JsonNode json;
    byte[] answer = readLimited(resp, MAX_TOKEN_BYTES, "the answer to the " + what);
    try {
      json = ManifestDocument.JSON.readTree(answer);
    } catch (IOException e) {
      throw new ImageAccessException(
          Reason.INVALID, "cannot read the " + what + ": " + e.getMessage(), e);
    }
    String token = json.path("token").asText("");
    if (token.isEmpty()) {
      token = json.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw new ImageAccessException(Reason.INVALID, "the " + what + " answer has no token");
    }
    long expiresIn = json.path("expires_in").asLong(60);
    // Refresh a little early; never cache for less than a few seconds.
    Instant expires = Instant.now().plusSeconds(Math.max(5, expiresIn - 10));
    LOG.debug("token obtained registry={} scope={} expiresIn={}", registry, scope, expiresIn);
    return new Token(token, expires);
  }

  private ImageAccessException unauthorized(
      String registry, String scope, int status, String errors, boolean hadCredentials)
      throws ImageAccessException {
    Optional<RegistryCredential> credential = credentials.lookup(registry);
    String who =
        credential
            .map(c -> "with " + c)
            .orElse("anonymously (no credentials found for " + registry + ")");
    String note = credentials.note(registry);
    return new ImageAccessException(
        Reason.UNAUTHORIZED,
        "registry "
            + registry
            + " refused access to "
            + scope
            + " "
            + who
            + ": HTTP "
            + status
            + errors
            + (note != null ? "; note: " + note : ""));
  }

  /**
   * Sends with retries on 429/5xx and connection failures (timeouts included), following redirects.
   * Retries stop at {@link RegistryOptions#maxAttempts()} attempts, and before a wait that would
   * end after {@link RegistryLimits#retryTimeout()} from the first attempt.
   */
  private Reply sendWithRetries(Request request, String what) throws ImageAccessException {
    int max = options.maxAttempts();
    long start = System.nanoTime();
    long budget = options.limits().retryTimeout().toNanos();
    for (int attempt = 1; ; attempt++) {
      Reply resp;
      try {
        resp = sendFollowingRedirects(request, what);
      } catch (SSLHandshakeException | SSLPeerUnverifiedException e) {
        // Not transient: retrying cannot make an untrusted certificate trusted.
        throw untrusted(request.uri(), what, e);
      } catch (IOException e) {
        Duration wait = backoff(attempt);
        String stop = stopRetrying(attempt, max, start, budget, wait);
        if (stop != null) {
          throw new ImageAccessException(
              isTimeout(e) ? Reason.TIMEOUT : Reason.IO,
              "cannot fetch " + what + " after " + attempts(attempt) + stop + ": " + explain(e),
              e);
        }
        LOG.debug("retrying what={} attempt={} wait={} error={}", what, attempt, wait, explain(e));
        pause(wait, what);
        continue;
      }
      int status = resp.statusCode();
      if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504) {
        Duration retryAfter = retryAfter(resp.header("Retry-After").orElse(null));
        String errors = errorText(resp);
        Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
        String stop = stopRetrying(attempt, max, start, budget, wait);
        if (stop != null) {
          throw new ImageAccessException(
              Reason.UNAVAILABLE,
              (status == 429 ? "rate limited (HTTP 429)" : "server error (HTTP " + status + ")")
                  + " fetching "
                  + what
                  + ", gave up after "
                  + attempts(attempt)
                  + stop
                  + errors);
        }
        LOG.info(
            "registry answered {}; retrying what={} attempt={} wait={}",
            status,
            what,
            attempt,
            wait);
        pause(wait, what);
        continue;
      }
      return resp;
    }
  }

  /**
   * Why not to retry after {@code attempt} (a text for the error: the limit reached and how to
   * raise it), or null to retry after {@code wait}.
   */
  private String stopRetrying(int attempt, int max, long start, long budget, Duration wait) {
    if (attempt >= max) {
      return max == 1
          ? ""
          : " (the limit of " + max + " attempts; sekisho --registry-max-attempts raises it)";
    }
    long spent = System.nanoTime() - start;
    if (spent + wait.toNanos() > budget) {
      return " in "
          + RegistryLimits.format(Duration.ofNanos(spent))
          + " (another attempt after waiting "
          + RegistryLimits.format(wait)
          + " would pass the retry time limit of "
          + RegistryLimits.format(options.limits().retryTimeout())
          + "; sekisho --registry-retry-timeout raises it)";
    }
    return null;
  }

  private static String attempts(int n) {
    return n == 1 ? "1 attempt" : n + " attempts";
  }

  private static boolean isTimeout(IOException e) {
    return e instanceof InterruptedIOException;
  }

  /**
   * A failure for an error message; a timeout says which limit it hit, its value and the option
   * that raises it.
   */
  private String explain(IOException e) {
    RegistryLimits limits = options.limits();
    if (e instanceof DeadlineExceeded) {
      return e.getMessage();
    }
    if (e instanceof ConnectTimeoutException) {
      return "no connection within "
          + RegistryLimits.format(options.connectTimeout())
          + " (the registry connect timeout; sekisho --registry-connect-timeout raises it): "
          + describe(e);
    }
    if (e instanceof SocketTimeoutException) {
      return "no data for "
          + RegistryLimits.format(limits.readTimeout())
          + " (the registry read timeout; sekisho --registry-read-timeout raises it)";
    }
    return describe(e);
  }

  /** An attempt passed the request timeout and was aborted. */
  private static final class DeadlineExceeded extends InterruptedIOException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message) {
      super(message);
    }
  }

  private static ImageAccessException untrusted(URI uri, String what, SSLException e) {
    String host = uri.getRawAuthority();
    return new ImageAccessException(
        Reason.UNTRUSTED,
        "cannot fetch "
            + what
            + ": the TLS certificate of "
            + host
            + " is not trusted or does not name that host ("
            + rootMessage(e)
            + "); if the registry uses a private certificate authority, add its CA certificate"
            + " (PEM) to the trusted CA bundles (sekisho --ca-file)",
        e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  private Reply sendFollowingRedirects(Request request, String what) throws IOException {
    Request current = request;
    long deadline = System.nanoTime() + options.limits().requestTimeout().toNanos();
    for (int hop = 0; ; hop++) {
      Reply resp = send(current, what, deadline);
      int status = resp.statusCode();
      Optional<String> location = resp.header("Location");
      if (!(status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
          || location.isEmpty()) {
        return resp;
      }
      resp.close();
      if (hop >= MAX_REDIRECTS) {
        throw new IOException("too many redirects from " + request.uri());
      }
      URI next = current.uri().resolve(location.get());
      // credentials follow a redirect only to the same origin: same scheme (never from HTTPS down
      // to plain HTTP) and same host and port
      boolean sameHost =
          next.getScheme() != null
              && next.getScheme().equalsIgnoreCase(request.uri().getScheme())
              && java.util.Objects.equals(next.getRawAuthority(), request.uri().getRawAuthority());
      List<Map.Entry<String, String>> headers =
          current.headers().stream()
              .filter(h -> sameHost || !h.getKey().equalsIgnoreCase("Authorization"))
              .toList();
      current = new Request(next, headers, null);
    }
  }

  /**
   * Sends one request; the reply's body is open until read to its end or closed. The request is
   * aborted at {@code deadline} (a {@link System#nanoTime()}) unless the reply is {@link
   * Reply#disarm() disarmed} first.
   */
  private Reply send(Request request, String what, long deadline) throws IOException {
    HttpUriRequestBase http;
    if (request.form() == null) {
      http = new HttpGet(request.uri());
    } else {
      HttpPost post = new HttpPost(request.uri());
      post.setEntity(new StringEntity(request.form(), ContentType.APPLICATION_FORM_URLENCODED));
      http = post;
    }
    request.headers().forEach(h -> http.addHeader(h.getKey(), h.getValue()));
    Deadline timer = new Deadline(http, request.uri(), what);
    timer.arm(deadline);
    try {
      return new Reply(http, this.http.executeOpen(null, http, null), timer);
    } catch (IOException | RuntimeException e) {
      timer.disarm();
      if (timer.expired()) {
        DeadlineExceeded d = new DeadlineExceeded(timer.message());
        d.initCause(e);
        throw d;
      }
      throw e;
    }
  }

  /** Aborts one request when it passes the request timeout, and remembers that it did. */
  private final class Deadline {
    private final HttpUriRequestBase request;
    private final URI uri;
    private final String what;
    private volatile boolean expired;
    private volatile ScheduledFuture<?> task;

    Deadline(HttpUriRequestBase request, URI uri, String what) {
      this.request = request;
      this.uri = uri;
      this.what = what;
    }

    void arm(long deadline) {
      long delay = Math.max(0, deadline - System.nanoTime());
      try {
        task =
            deadlines.schedule(
                () -> {
                  expired = true;
                  request.cancel();
                },
                delay,
                TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the client is closed: the request fails on its closed connection pool
      }
    }

    void disarm() {
      ScheduledFuture<?> t = task;
      if (t != null) {
        t.cancel(false);
      }
    }

    boolean expired() {
      return expired;
    }

    String message() {
      return "no complete answer from "
          + uri.getRawAuthority()
          + " within "
          + RegistryLimits.format(options.limits().requestTimeout())
          + " (the registry request timeout; sekisho --registry-request-timeout raises it)";
    }
  }

  /**
   * A response with its body open. Reading the body to its end returns the connection to the pool;
   * closing it earlier aborts the connection (rather than reading the rest of a large blob).
   */
  private final class Reply implements Closeable {
    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;
    private final Deadline deadline;
    private InputStream body;

    Reply(HttpUriRequestBase request, ClassicHttpResponse response, Deadline deadline) {
      this.request = request;
      this.response = response;
      this.deadline = deadline;
    }

    /** Lifts the request timeout: the body may take longer (a layer). */
    void disarm() {
      deadline.disarm();
    }

    /** A failure reading the body, saying which time limit it hit, if any. */
    private IOException failed(IOException e) {
      if (deadline.expired()) {
        return new ImageAccessException(
            Reason.TIMEOUT, "cannot read " + deadline.what + ": " + deadline.message(), e);
      }
      if (e instanceof SocketTimeoutException) {
        return new ImageAccessException(
            Reason.TIMEOUT, "cannot read " + deadline.what + ": " + explain(e), e);
      }
      return e;
    }

    int statusCode() {
      return response.getCode();
    }

    Optional<String> header(String name) {
      Header h = response.getFirstHeader(name);
      return h == null ? Optional.empty() : Optional.ofNullable(h.getValue());
    }

    List<String> allHeaders(String name) {
      List<String> values = new ArrayList<>();
      for (Header h : response.getHeaders(name)) {
        values.add(h.getValue());
      }
      return values;
    }

    InputStream body() throws IOException {
      if (body == null) {
        HttpEntity entity = response.getEntity();
        InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
        body =
            new FilterInputStream(content) {
              private boolean ended;

              @Override
              public int read() throws IOException {
                int b;
                try {
                  b = in.read();
                } catch (IOException e) {
                  throw failed(e);
                }
                ended |= b < 0;
                return b;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                  n = in.read(b, off, len);
                } catch (IOException e) {
                  throw failed(e);
                }
                ended |= n < 0;
                return n;
              }

              @Override
              public void close() throws IOException {
                deadline.disarm();
                if (!ended) {
                  request.cancel();
                }
                IOException failure = null;
                try {
                  in.close();
                } catch (IOException e) {
                  failure = e;
                }
                try {
                  response.close();
                } catch (IOException e) {
                  failure = failure == null ? e : failure;
                }
                // before the end, the connection was aborted on purpose (or had failed already)
                if (failure != null && ended) {
                  throw failure;
                }
              }
            };
      }
      return body;
    }

    @Override
    public void close() throws IOException {
      body().close();
    }
  }

  private void pause(Duration wait, String what) throws ImageAccessException {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageAccessException(Reason.IO, "interrupted while waiting to retry " + what, e);
    }
  }

  private static Duration backoff(int attempt) {
    long millis = BASE_BACKOFF.toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
  }

  /**
   * A Retry-After header's value as a duration (seconds or HTTP date), capped; null when absent.
   */
  Duration retryAfter(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    Duration d;
    try {
      d = Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.between(Instant.now(), at.toInstant());
        if (d.isNegative()) {
          d = Duration.ZERO;
        }
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
    return d.compareTo(options.maxRetryAfter()) > 0 ? options.maxRetryAfter() : d;
  }

  private ImageAccessException failure(ImageReference ref, Reply resp, String what)
      throws ImageAccessException {
    int status = resp.statusCode();
    String errors = errorText(resp);
    if (status == 401 || status == 403) {
      return unauthorized(ref.registry(), scope(ref), status, errors, true);
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

  /**
   * The registry's error list (": CODE: message; …"), or "" when there is none; closes the body.
   */
  private String errorText(Reply resp) {
    try (InputStream in = resp.body()) {
      byte[] body = in.readNBytes(MAX_ERROR_BYTES);
      if (body.length == 0) {
        return "";
      }
      List<String> parts = new ArrayList<>();
      try {
        JsonNode json = ManifestDocument.JSON.readTree(body);
        for (JsonNode e : json.path("errors")) {
          parts.add(e.path("code").asText("") + ": " + e.path("message").asText(""));
        }
        if (parts.isEmpty() && json.has("details")) {
          parts.add(json.path("details").asText());
        }
      } catch (IOException e) {
        // not JSON: use it as text
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (!text.isEmpty()) {
          parts.add(text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
      }
      return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  private byte[] readLimited(Reply resp, int max, String what) throws ImageAccessException {
    try (InputStream in = resp.body()) {
      byte[] bytes = in.readNBytes(max + 1);
      if (bytes.length > max) {
        throw new ImageAccessException(
            Reason.INVALID, what + " is larger than the limit of " + max + " bytes: rejected");
      }
      return bytes;
    } catch (ImageAccessException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageAccessException(Reason.IO, "cannot read " + what + ": " + describe(e), e);
    }
  }

  private static Digest parseDigest(String digest, ImageReference ref) throws ImageAccessException {
    try {
      return Digest.parse(digest);
    } catch (IllegalArgumentException e) {
      throw new ImageAccessException(Reason.INVALID, "in " + ref + ": " + e.getMessage(), e);
    }
  }

  private static String basicHeader(RegistryCredential c) {
    String userPass =
        switch (c) {
          case RegistryCredential.Basic b -> b.username() + ":" + b.password();
          case RegistryCredential.ServiceAccountToken t -> "serviceaccount:" + t.token();
          case RegistryCredential.IdentityToken t -> "<token>:" + t.token();
          case RegistryCredential.RegistryToken t -> "<token>:" + t.token();
        };
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /**
   * TLS with the JDK's default trust, set up on the first HTTPS connection: loading the default CA
   * certificates takes about 0.2 s of start-up, which a plain-HTTP registry (given with
   * --insecure-registry) never needs. With CA bundles, the context is built at once instead, so
   * that an unreadable bundle is reported before anything is fetched.
   */
  private static final class DefaultTlsOnFirstUse implements TlsSocketStrategy {
    private TlsSocketStrategy delegate;

    @Override
    public SSLSocket upgrade(
        Socket socket, String target, int port, Object attachment, HttpContext context)
        throws IOException {
      return delegate().upgrade(socket, target, port, attachment, context);
    }

    private synchronized TlsSocketStrategy delegate() throws SSLException {
      if (delegate == null) {
        try {
          delegate = new DefaultClientTlsStrategy(SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
          throw new SSLException("cannot set up TLS: " + e.getMessage(), e);
        }
      }
      return delegate;
    }
  }
}

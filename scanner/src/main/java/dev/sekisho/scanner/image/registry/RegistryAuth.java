package dev.sekisho.scanner.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.image.oci.ManifestDocument;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication with a registry, above the transport: requests go anonymously first; on a 401 the
 * {@code WWW-Authenticate} challenge decides: Bearer (a token from the realm for the service and
 * {@code repository:REPO:pull}, cached per registry and scope until it expires) or Basic.
 * Credentials come from a {@link CredentialStore} and never travel in clear text to a registry
 * reached over HTTPS.
 */
final class RegistryAuth {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryAuth.class);

  /** Largest token-service answer read. */
  static final int MAX_TOKEN_BYTES = 1 << 20;

  private final RegistryTransport transport;
  private final CredentialStore credentials;
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  private record Token(String value, Instant expires) {}

  RegistryAuth(RegistryTransport transport, CredentialStore credentials) {
    this.transport = transport;
    this.credentials = credentials;
  }

  /** The token scope for pulling from {@code ref}'s repository. */
  static String scope(ImageReference ref) {
    return "repository:" + ref.repository() + ":pull";
  }

  /**
   * Sends a GET with auth and retries. Returns the final response (any status but 401 handled,
   * 429/5xx exhausted); its body stream is open.
   */
  RegistryReply exchange(ImageReference ref, URI uri, String accept, String what)
      throws ImageAccessException {
    String registry = ref.registry();
    String scope = scope(ref);
    boolean authenticated = false;
    while (true) {
      String authorization = authorization(registry, scope);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      headers.add(Map.entry("User-Agent", RegistryTransport.USER_AGENT));
      if (accept != null) {
        headers.add(Map.entry("Accept", accept));
      }
      if (authorization != null) {
        headers.add(Map.entry("Authorization", authorization));
      }
      RegistryReply resp =
          transport.sendWithRetries(
              new RegistryTransport.Request(uri, headers, null), what + " from " + registry);
      if (resp.statusCode() != 401 || authenticated) {
        return resp;
      }
      String header = String.join(", ", resp.allHeaders("WWW-Authenticate"));
      String errors = resp.errorText();
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
      return credential.map(RegistryAuth::basicHeader).orElse(null);
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
    if (credential != null && realmScheme.equals("http") && !transport.plainHttp(registry)) {
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
    RegistryReply resp;
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
          transport.sendWithRetries(
              new RegistryTransport.Request(
                  realm,
                  List.of(Map.entry("User-Agent", RegistryTransport.USER_AGENT)),
                  form.toString()),
              what);
    } else {
      URI uri =
          URI.create(challenge.realm() + (challenge.realm().contains("?") ? "&" : "?") + query);
      String basic =
          credential == null || credential instanceof RegistryCredential.RegistryToken
              ? null
              : basicHeader(credential);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      headers.add(Map.entry("User-Agent", RegistryTransport.USER_AGENT));
      if (basic != null) {
        headers.add(Map.entry("Authorization", basic));
      }
      resp = transport.sendWithRetries(new RegistryTransport.Request(uri, headers, null), what);
    }
    int status = resp.statusCode();
    if (status == 401 || status == 403) {
      throw unauthorized(registry, scope, status, resp.errorText(), credential != null);
    }
    if (status != 200) {
      throw new ImageAccessException(
          Reason.INVALID, "cannot get a " + what + ": HTTP " + status + resp.errorText());
    }
    JsonNode json;
    byte[] answer = resp.readLimited(MAX_TOKEN_BYTES, "the answer to the " + what);
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

  /** The error for a refusal (401, 403), naming the credential tried and any note about it. */
  ImageAccessException unauthorized(
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
}

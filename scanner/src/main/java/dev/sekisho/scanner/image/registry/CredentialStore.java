package dev.sekisho.scanner.image.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.input.DocumentLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials per registry host, from (in this order) ServiceAccount token files named per
 * registry, a Kubernetes {@code .dockerconfigjson} file, and Docker {@code config.json} files.
 *
 * <p>Docker credential helpers ({@code credHelpers}, {@code credsStore}) are not run: a registry
 * that only has one gets no credential, and {@link #note(String)} explains why, so that an auth
 * failure can say so.
 */
public final class CredentialStore {
  private static final ObjectMapper JSON =
      new ObjectMapper(DocumentLimits.DOCKER_CONFIG.jsonFactory());

  private final Map<String, RegistryCredential> credentials;
  private final Map<String, String> notes;
  private final Map<String, Path> tokenFiles;

  private CredentialStore(
      Map<String, RegistryCredential> credentials,
      Map<String, String> notes,
      Map<String, Path> tokenFiles) {
    this.credentials = credentials;
    this.notes = notes;
    this.tokenFiles = tokenFiles;
  }

  /** No credentials at all. */
  public static CredentialStore empty() {
    return new CredentialStore(Map.of(), Map.of(), Map.of());
  }

  /**
   * Reads the credential files the options name.
   *
   * @throws ImageAccessException when a named file is missing or malformed (the message names it)
   */
  public static CredentialStore load(RegistryOptions options) throws ImageAccessException {
    Map<String, RegistryCredential> creds = new LinkedHashMap<>();
    Map<String, String> notes = new LinkedHashMap<>();
    List<Path> configs = new ArrayList<>();
    if (options.kubernetesDockerConfig() != null) {
      configs.add(options.kubernetesDockerConfig());
    }
    configs.addAll(options.dockerConfigs());
    for (Path file : configs) {
      readDockerConfig(file, creds, notes);
    }
    Map<String, Path> tokens = new LinkedHashMap<>();
    options
        .serviceAccountTokens()
        .forEach((registry, file) -> tokens.put(normalizeHost(registry), file));
    for (Map.Entry<String, Path> e : tokens.entrySet()) {
      if (!Files.isReadable(e.getValue())) {
        throw new ImageAccessException(
            ImageAccessException.Reason.NOT_FOUND,
            "cannot read the ServiceAccount token file "
                + e.getValue()
                + " given for registry "
                + e.getKey());
      }
    }
    return new CredentialStore(creds, notes, tokens);
  }

  /**
   * The credential for a registry host ({@code host[:port]}), if any. ServiceAccount tokens are
   * read at each call, since Kubernetes rotates projected tokens.
   */
  public Optional<RegistryCredential> lookup(String registry) throws ImageAccessException {
    String host = normalizeHost(registry);
    Path tokenFile = tokenFiles.get(host);
    if (tokenFile != null) {
      try {
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        return Optional.of(
            new RegistryCredential.ServiceAccountToken(token, "token file " + tokenFile));
      } catch (IOException e) {
        throw new ImageAccessException(
            ImageAccessException.Reason.IO,
            "cannot read the ServiceAccount token file " + tokenFile + ": " + e.getMessage(),
            e);
      }
    }
    return Optional.ofNullable(credentials.get(host));
  }

  /** Why a registry has no usable credential (e.g. a credential helper), or null. */
  public String note(String registry) {
    String note = notes.get(normalizeHost(registry));
    return note != null ? note : notes.get("*");
  }

  private static void readDockerConfig(
      Path file, Map<String, RegistryCredential> creds, Map<String, String> notes)
      throws ImageAccessException {
    JsonNode root;
    try {
      byte[] bytes = DocumentLimits.DOCKER_CONFIG.read(file);
      try {
        root = JSON.readTree(bytes);
      } catch (JsonProcessingException e) {
        // a DocumentException: the user's file is at fault (exit 2), not the registry
        throw new DocumentException(
            DocumentLimits.DOCKER_CONFIG.describe(
                "docker config " + file + " is not valid JSON", e),
            e);
      } catch (IOException e) {
        throw new DocumentException("cannot read docker config " + file + ": " + e.getMessage(), e);
      }
    } catch (DocumentException e) {
      throw new ImageAccessException(
          Files.exists(file)
              ? ImageAccessException.Reason.INVALID
              : ImageAccessException.Reason.NOT_FOUND,
          "cannot read registry credentials: " + e.getMessage(),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID,
          "cannot read registry credentials from " + file + ": not a JSON object");
    }
    String source = "docker config " + file;
    // config.json and .dockerconfigjson have "auths"; the legacy .dockercfg is the map itself.
    JsonNode auths = root.has("auths") ? root.get("auths") : legacyAuths(root);
    if (auths != null && auths.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = auths.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> entry = it.next();
        String host = normalizeHost(entry.getKey());
        if (creds.containsKey(host)) {
          continue;
        }
        RegistryCredential c = parseEntry(entry.getKey(), entry.getValue(), file, source);
        if (c != null) {
          creds.put(host, c);
        }
      }
    }
    JsonNode helpers = root.get("credHelpers");
    if (helpers != null && helpers.isObject()) {
      helpers
          .fields()
          .forEachRemaining(
              e -> {
                String host = normalizeHost(e.getKey());
                if (!creds.containsKey(host)) {
                  notes.putIfAbsent(
                      host,
                      file
                          + " names the credential helper docker-credential-"
                          + e.getValue().asText()
                          + " for "
                          + host
                          + "; credential helpers are not supported: put an \"auths\" entry"
                          + " for it in a config file (docker login --config DIR) instead");
                }
              });
    }
    JsonNode store = root.get("credsStore");
    if (store != null && store.isTextual()) {
      notes.putIfAbsent(
          "*",
          file
              + " uses the credential store docker-credential-"
              + store.asText()
              + ", which is not supported: registries without an \"auths\" entry are accessed"
              + " anonymously");
    }
  }

  private static JsonNode legacyAuths(JsonNode root) {
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      JsonNode v = it.next().getValue();
      if (!v.isObject() || !(v.has("auth") || v.has("username"))) {
        return null;
      }
    }
    return root;
  }

  private static RegistryCredential parseEntry(String key, JsonNode node, Path file, String source)
      throws ImageAccessException {
    if (node == null || !node.isObject()) {
      return null;
    }
    String identity = text(node, "identitytoken");
    if (identity != null) {
      return new RegistryCredential.IdentityToken(identity, source);
    }
    String registryToken = text(node, "registrytoken");
    if (registryToken != null) {
      return new RegistryCredential.RegistryToken(registryToken, source);
    }
    String auth = text(node, "auth");
    if (auth != null) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ImageAccessException(
            ImageAccessException.Reason.INVALID,
            "cannot read registry credentials from "
                + file
                + ": the \"auth\" of "
                + key
                + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new ImageAccessException(
            ImageAccessException.Reason.INVALID,
            "cannot read registry credentials from "
                + file
                + ": the \"auth\" of "
                + key
                + " is not base64 of USER:PASSWORD");
      }
      return new RegistryCredential.Basic(
          decoded.substring(0, colon), decoded.substring(colon + 1), source);
    }
    String user = text(node, "username");
    String password = text(node, "password");
    if (user != null && password != null) {
      return new RegistryCredential.Basic(user, password, source);
    }
    return null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }

  /**
   * The registry host of an {@code auths} key or registry name: scheme and path dropped, Docker
   * Hub's aliases mapped to {@code docker.io}.
   */
  static String normalizeHost(String key) {
    String host = key.strip();
    if (host.contains("://")) {
      try {
        URI uri = URI.create(host);
        host = uri.getRawAuthority() != null ? uri.getRawAuthority() : host;
      } catch (IllegalArgumentException e) {
        host = host.substring(host.indexOf("://") + 3);
      }
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    host = host.toLowerCase(java.util.Locale.ROOT);
    return switch (host) {
      case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> "docker.io";
      default -> host;
    };
  }
}

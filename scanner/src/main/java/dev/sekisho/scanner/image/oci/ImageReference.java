package dev.sekisho.scanner.image.oci;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A reference to an image in a registry, in the Docker grammar: {@code
 * [HOST[:PORT]/]PATH[:TAG][@DIGEST]}.
 *
 * <p>Normalisation follows Docker's: a reference without a registry host means {@code docker.io}; a
 * single-component repository on Docker Hub gets {@code library/}; {@code index.docker.io} is
 * {@code docker.io}. The first path component is a host when it contains a dot or a colon, is
 * {@code localhost}, is a bracketed IPv6 address ({@code [::1]:5000}) or has upper-case letters.
 *
 * <p>This is the one parser of image references: {@link #parse} validates what a user or a registry
 * gives; {@link #parseLenient} splits the same way without validating, for names read from
 * documents (annotations, ScanResults) that must not fail a scan; {@link #forms} lists the
 * spellings that image globs are matched against.
 *
 * @param registry registry host and optional port, e.g. {@code docker.io}, {@code [::1]:5000}; null
 *     only for a name known without one (a local image's repository, or no name at all)
 * @param repository repository path, e.g. {@code library/nginx}
 * @param tag tag, or null when none was given
 * @param digest manifest digest ({@code sha256:…}), or null when none was given
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

  public static final String DOCKER_HUB = "docker.io";
  private static final String DEFAULT_TAG = "latest";
  private static final int MAX_NAME_LENGTH = 255;

  // From github.com/distribution/reference regexp.go.
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern DOMAIN_NAME =
      Pattern.compile(
          "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
              + "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*");
  private static final Pattern IPV6 = Pattern.compile("\\[[a-fA-F0-9:.]+(?:%[a-zA-Z0-9]+)?]");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  public ImageReference {
    Objects.requireNonNull(repository, "repository");
  }

  /**
   * Parses a reference.
   *
   * @throws InvalidReferenceException naming the input and what is wrong with it
   */
  public static ImageReference parse(String input) {
    return split(input, true);
  }

  /**
   * Splits a reference as {@link #parse} does, normalised the same way, but validates nothing and
   * never fails: for names read from documents, such as a base-image annotation or a ScanResult's
   * image, which are matched against globs. Surrounding spaces are ignored.
   */
  public static ImageReference parseLenient(String input) {
    return split(input == null ? "" : input.strip(), false);
  }

  private static ImageReference split(String input, boolean validate) {
    if (validate) {
      validateWhole(input);
    }
    String rest = input;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (validate) {
        try {
          Digest.parse(digest);
        } catch (IllegalArgumentException e) {
          throw new InvalidReferenceException(input, e.getMessage());
        }
      }
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      // A colon after the last slash separates the tag (also "name:tag" without any slash).
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (validate && !TAG.matcher(tag).matches()) {
        throw new InvalidReferenceException(
            input,
            "invalid tag \""
                + tag
                + "\" (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
      }
    }
    if (validate && rest.isEmpty()) {
      throw new InvalidReferenceException(input, "the repository name is empty");
    }
    String registry;
    String path;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? null : rest.substring(0, slash);
    if (first != null && isHost(first)) {
      registry = first;
      path = rest.substring(slash + 1);
      if (validate) {
        validateHost(input, registry);
      }
    } else {
      registry = DOCKER_HUB;
      path = rest;
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (validate && path.isEmpty()) {
      throw new InvalidReferenceException(input, "the repository name is empty");
    }
    if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (validate) {
      validatePath(input, registry, path);
    }
    return new ImageReference(registry, path, tag, digest);
  }

  private static void validateWhole(String input) {
    if (input == null || input.isBlank()) {
      throw new InvalidReferenceException(String.valueOf(input), "the reference is empty");
    }
    if (!input.equals(input.strip())) {
      throw new InvalidReferenceException(input, "the reference has leading or trailing spaces");
    }
    if (input.contains("://")) {
      throw new InvalidReferenceException(
          input, "a reference has no URL scheme (use docker://REF or just REF)");
    }
  }

  private static void validatePath(String input, String registry, String path) {
    for (String component : path.split("/", -1)) {
      if (component.isEmpty()) {
        throw new InvalidReferenceException(input, "empty path component in \"" + path + "\"");
      }
      if (!PATH_COMPONENT.matcher(component).matches()) {
        String problem =
            component.equals(component.toLowerCase(java.util.Locale.ROOT))
                ? "invalid path component \""
                    + component
                    + "\" (lower-case letters and digits, separated by '.', '_', '__' or '-')"
                : "repository name must be lowercase (\"" + component + "\")";
        throw new InvalidReferenceException(input, problem);
      }
    }
    if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
      throw new InvalidReferenceException(
          input, "the name is longer than " + MAX_NAME_LENGTH + " characters");
    }
  }

  private static boolean isHost(String first) {
    return first.contains(".")
        || first.contains(":")
        || first.equals("localhost")
        || first.startsWith("[")
        || !first.equals(first.toLowerCase(java.util.Locale.ROOT));
  }

  private static void validateHost(String input, String hostPort) {
    String host = hostPort;
    String port = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw new InvalidReferenceException(input, "unclosed '[' in registry \"" + hostPort + "\"");
      }
      host = hostPort.substring(0, close + 1);
      String after = hostPort.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new InvalidReferenceException(input, "invalid registry \"" + hostPort + "\"");
        }
        port = after.substring(1);
      }
      if (!IPV6.matcher(host).matches()) {
        throw new InvalidReferenceException(input, "invalid IPv6 address \"" + host + "\"");
      }
    } else {
      int c = hostPort.indexOf(':');
      if (c >= 0) {
        host = hostPort.substring(0, c);
        port = hostPort.substring(c + 1);
      }
      if (!DOMAIN_NAME.matcher(host).matches()) {
        throw new InvalidReferenceException(input, "invalid registry host \"" + host + "\"");
      }
    }
    if (port != null
        && (!PORT.matcher(port).matches()
            || Integer.parseInt(port) == 0
            || Integer.parseInt(port) > 65535)) {
      throw new InvalidReferenceException(input, "invalid registry port \"" + port + "\"");
    }
  }

  /** {@code registry/repository}, without tag or digest ({@code repository} without registry). */
  public String name() {
    return registry == null ? repository : registry + "/" + repository;
  }

  /** The digest when given, else the tag, else {@code latest}: what to ask the registry for. */
  public String manifestReference() {
    if (digest != null) {
      return digest;
    }
    return tag != null ? tag : DEFAULT_TAG;
  }

  /** The tag, or {@code latest} when neither tag nor digest was given; null for digest-only. */
  public String effectiveTag() {
    if (tag != null) {
      return tag;
    }
    return digest == null ? DEFAULT_TAG : null;
  }

  /** The same repository with another digest (tag kept). */
  public ImageReference withDigest(String newDigest) {
    return new ImageReference(registry, repository, tag, newDigest);
  }

  /** The same repository and tag, without digest. */
  public ImageReference withoutDigest() {
    return new ImageReference(registry, repository, tag, null);
  }

  /**
   * Every spelling an image glob is matched against: {@code host/repo}, {@code host/repo:tag},
   * {@code host/repo@digest}, {@code host/repo:tag@digest}, and for Docker Hub the same without
   * {@code docker.io/} and without {@code library/}. A glob matches the image when it matches any
   * of them, so {@code registry.example.com/team/app} selects every tag of that repository.
   */
  public List<String> forms() {
    Set<String> names = new LinkedHashSet<>();
    names.add(name());
    if (DOCKER_HUB.equals(registry)) {
      names.add(repository);
      if (repository.startsWith("library/")) {
        names.add(repository.substring("library/".length()));
      }
    }
    Set<String> result = new LinkedHashSet<>();
    for (String name : names) {
      result.add(name);
      if (tag != null) {
        result.add(name + ":" + tag);
      }
      if (digest != null) {
        result.add(name + "@" + digest);
        if (tag != null) {
          result.add(name + ":" + tag + "@" + digest);
        }
      }
    }
    return List.copyOf(result);
  }

  /** The full normalised form, e.g. {@code docker.io/library/nginx:1.27@sha256:…}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(name());
    if (tag != null) {
      s.append(':').append(tag);
    }
    if (digest != null) {
      s.append('@').append(digest);
    }
    return s.toString();
  }
}

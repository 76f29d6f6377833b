package dev.sekisho.scanner.check;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.BaseImage;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Misconfiguration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks of an image's reference and configuration. Each check is a pure function of the image
 * facts (and its parameters) and yields findings with a stable check id; the policy engine calls
 * the same functions with each policy's parameters.
 */
public final class ImageChecks {
  public static final String ROOT_USER = "config/root-user";
  public static final String LATEST_TAG = "config/latest-tag";
  public static final String FORBIDDEN_PORT = "config/forbidden-port";
  public static final String NO_HEALTHCHECK = "config/no-healthcheck";
  public static final String SECRET_ENV = "config/secret-env";
  public static final String DISALLOWED_REGISTRY = "config/disallowed-registry";
  public static final String DISALLOWED_BASE_IMAGE = "config/disallowed-base-image";
  public static final String DENIED_PACKAGE = "config/denied-package";

  /** Ports forbidden when a policy does not say otherwise: SSH, Telnet, RDP. */
  public static final List<Integer> DEFAULT_FORBIDDEN_PORTS = List.of(22, 23, 3389);

  /** Words that make an environment variable name look like it carries a secret. */
  public static final List<String> SECRET_ENV_WORDS =
      List.of(
          "PASSWORD",
          "PASSWD",
          "PASSPHRASE",
          "SECRET",
          "TOKEN",
          "API_KEY",
          "APIKEY",
          "PRIVATE_KEY",
          "ACCESS_KEY",
          "CREDENTIAL");

  /**
   * Name suffixes that point at where a secret is, not at the secret (the {@code *_FILE} convention
   * of official images).
   */
  private static final List<String> SECRET_ENV_REFERENCE_SUFFIXES =
      List.of("_FILE", "_PATH", "_DIR", "_LOCATION");

  private ImageChecks() {}

  /**
   * The default checks that need no policy: root user, latest tag, the default forbidden ports, no
   * healthcheck, secret-looking environment names.
   */
  public static List<Misconfiguration> defaults(ImageFacts image) {
    List<Misconfiguration> found = new ArrayList<>();
    rootUser(image).ifPresent(found::add);
    latestTag(image).ifPresent(found::add);
    found.addAll(forbiddenPorts(image, DEFAULT_FORBIDDEN_PORTS));
    noHealthcheck(image).ifPresent(found::add);
    found.addAll(secretEnv(image));
    return List.copyOf(found);
  }

  /**
   * The image runs as root: no USER, or a USER whose user part is {@code root} or {@code 0} ({@code
   * 0}, {@code 0:0}, {@code root:root}, {@code root:1000}). A non-root user name is taken at its
   * word: without the image's /etc/passwd it cannot be resolved to a UID here.
   */
  public static Optional<Misconfiguration> rootUser(ImageFacts image) {
    String user = image.user().strip();
    String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    if (name.isEmpty() || name.equals("root") || name.matches("0+")) {
      String detail =
          user.isEmpty()
              ? "the image sets no USER, so it runs as root"
              : "the image runs as USER " + user + " (root)";
      return Optional.of(
          new Misconfiguration(ROOT_USER, Severity.High, "Image runs as root", detail));
    }
    return Optional.empty();
  }

  /** The image is named by the {@code latest} tag, or by neither tag nor digest. */
  public static Optional<Misconfiguration> latestTag(ImageFacts image) {
    if ("latest".equals(image.tag())) {
      return Optional.of(
          new Misconfiguration(
              LATEST_TAG,
              Severity.Medium,
              "Image uses the 'latest' tag",
              "the reference " + image.reference() + " uses the mutable tag 'latest'"));
    }
    if (image.tag() == null && image.digest() == null) {
      return Optional.of(
          new Misconfiguration(
              LATEST_TAG,
              Severity.Medium,
              "Image has no tag",
              "the reference " + image.reference() + " has no tag, which means 'latest'"));
    }
    return Optional.empty();
  }

  /**
   * One finding per exposed port in {@code forbidden} (exposed ports like "22/tcp" or "8000-8010").
   */
  public static List<Misconfiguration> forbiddenPorts(
      ImageFacts image, Collection<Integer> forbidden) {
    List<Misconfiguration> found = new ArrayList<>();
    for (String exposed : image.exposedPorts()) {
      String number = exposed.contains("/") ? exposed.substring(0, exposed.indexOf('/')) : exposed;
      int low;
      int high;
      try {
        if (number.contains("-")) {
          low = Integer.parseInt(number.substring(0, number.indexOf('-')).strip());
          high = Integer.parseInt(number.substring(number.indexOf('-') + 1).strip());
        } else {
          low = high = Integer.parseInt(number.strip());
        }
      } catch (NumberFormatException e) {
        continue;
      }
      for (int port : forbidden) {
        if (port >= low && port <= high) {
          found.add(
              new Misconfiguration(
                  FORBIDDEN_PORT,
                  Severity.Low,
                  "Image exposes forbidden port " + port,
                  "the image config exposes " + exposed));
        }
      }
    }
    return List.copyOf(found);
  }

  /** The image defines no HEALTHCHECK. */
  public static Optional<Misconfiguration> noHealthcheck(ImageFacts image) {
    return image.healthcheck()
        ? Optional.empty()
        : Optional.of(
            new Misconfiguration(
                NO_HEALTHCHECK,
                Severity.Low,
                "Image has no HEALTHCHECK",
                "the image config defines no HEALTHCHECK"));
  }

  /** One finding per environment variable whose name looks like a secret. Values are never read. */
  public static List<Misconfiguration> secretEnv(ImageFacts image) {
    List<Misconfiguration> found = new ArrayList<>();
    for (String name : image.envNames()) {
      if (looksLikeSecretName(name)) {
        found.add(
            new Misconfiguration(
                SECRET_ENV,
                Severity.High,
                "Secret-looking environment variable " + name,
                "the image config sets "
                    + name
                    + ", whose name suggests a secret baked into the"
                    + " image"));
      }
    }
    return List.copyOf(found);
  }

  /** Whether an environment variable name suggests a secret value. */
  public static boolean looksLikeSecretName(String name) {
    String upper = name.toUpperCase(Locale.ROOT).replace('-', '_');
    for (String suffix : SECRET_ENV_REFERENCE_SUFFIXES) {
      if (upper.endsWith(suffix)) {
        return false;
      }
    }
    for (String word : SECRET_ENV_WORDS) {
      if (upper.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The image's registry host is not matched by any of {@code allowed} (globs over host[:port]). An
   * empty list allows every registry; an image without a registry (a local layout or archive) is
   * not allowed by a non-empty list.
   */
  public static Optional<Misconfiguration> registry(ImageFacts image, List<Glob> allowed) {
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    String host = image.registry();
    if (host == null || host.isEmpty()) {
      return Optional.of(
          new Misconfiguration(
              DISALLOWED_REGISTRY,
              Severity.High,
              "Image has no registry",
              "the image "
                  + image.reference()
                  + " does not come from a registry; allowed: "
                  + allowed));
    }
    for (Glob g : allowed) {
      if (g.matches(host)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        new Misconfiguration(
            DISALLOWED_REGISTRY,
            Severity.High,
            "Registry " + host + " is not allowed",
            "the image comes from " + host + "; allowed: " + allowed));
  }

  /**
   * The identified base image is not matched by any of {@code allowed} (image reference globs), or
   * no base image could be identified while the list is not empty. An empty list allows any base.
   */
  public static Optional<Misconfiguration> baseImage(BaseImage base, List<Glob> allowed) {
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    if (base == null) {
      return Optional.of(
          new Misconfiguration(
              DISALLOWED_BASE_IMAGE,
              Severity.High,
              "Base image not identified",
              "the base image could not be identified (no OCI base-image annotation, and no"
                  + " allowed base image shares the image's leading layers); allowed: "
                  + allowed));
    }
    ImageReference name = ImageReference.parseLenient(base.reference());
    ImageReference withDigest =
        base.digest() == null || name.digest() != null ? name : name.withDigest(base.digest());
    if (Glob.anyMatches(allowed, withDigest.forms())) {
      return Optional.empty();
    }
    return Optional.of(
        new Misconfiguration(
            DISALLOWED_BASE_IMAGE,
            Severity.High,
            "Base image " + base.reference() + " is not allowed",
            "the image is built on "
                + base.reference()
                + (base.digest() == null ? "" : "@" + base.digest())
                + " (identified by "
                + (base.method() == BaseImage.Method.ANNOTATION
                    ? "OCI annotation"
                    : base.sharedLayers() + " shared layers")
                + "); allowed: "
                + allowed));
  }
}

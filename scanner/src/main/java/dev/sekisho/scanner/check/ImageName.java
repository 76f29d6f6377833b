package dev.sekisho.scanner.check;

import dev.sekisho.scanner.model.ImageFacts;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An image name split for glob matching: registry host, repository, tag and digest, normalised as
 * Docker does (no host means {@code docker.io}; a one-segment Docker Hub repository gets {@code
 * library/}). Parsing is lenient: it only splits, it does not validate (the image-access code does
 * that before a scan).
 *
 * @param registry registry host[:port], or null for a local source without one
 * @param repository repository path
 * @param tag tag, or null
 * @param digest digest, or null
 */
public record ImageName(String registry, String repository, String tag, String digest) {
  private static final String DOCKER_HUB = "docker.io";

  /** Splits a reference such as {@code nginx:1.27} or {@code host:5000/a/b@sha256:…}. */
  public static ImageName parse(String reference) {
    String rest = reference.strip();
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first.equals("index.docker.io") ? DOCKER_HUB : first;
        rest = rest.substring(slash + 1);
      }
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    return new ImageName(registry, rest, tag, digest);
  }

  /** The name of a scanned image, from its facts. */
  public static ImageName of(ImageFacts image) {
    if (image.repository() != null && !image.repository().isEmpty()) {
      return new ImageName(image.registry(), image.repository(), image.tag(), image.digest());
    }
    return image.reference() == null || image.reference().isEmpty()
        ? new ImageName(null, "", image.tag(), image.digest())
        : parse(image.reference());
  }

  /**
   * Every spelling a glob is matched against: {@code host/repo}, {@code host/repo:tag}, {@code
   * host/repo@digest}, {@code host/repo:tag@digest}, and for Docker Hub the same without {@code
   * docker.io/} and without {@code library/}. A glob matches the image when it matches any of them,
   * so {@code registry.example.com/team/app} selects every tag of that repository.
   */
  public List<String> forms() {
    Set<String> names = new LinkedHashSet<>();
    String full = registry == null ? repository : registry + "/" + repository;
    names.add(full);
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

  /** Whether {@code glob} matches any spelling of this name. */
  public boolean matches(Glob glob) {
    for (String form : forms()) {
      if (glob.matches(form)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any of {@code globs} matches. */
  public boolean matchesAny(List<Glob> globs) {
    return globs.stream().anyMatch(this::matches);
  }
}

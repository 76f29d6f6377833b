package dev.sekisho.operator.resultspec;

/**
 * The parts of an image reference ({@code [registry/]repository[:tag][@digest]}) with the Docker
 * rules for telling a registry host from the first path segment. Parses only; never normalises (no
 * implicit docker.io) so policies see the reference as the pipeline wrote it.
 */
record ImageRef(String registry, String repository, String tag) {

  static ImageRef parse(String reference) {
    String ref = reference;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    String registry = null;
    int slash = ref.indexOf('/');
    if (slash > 0) {
      String first = ref.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        ref = ref.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      tag = ref.substring(colon + 1);
      ref = ref.substring(0, colon);
    }
    return new ImageRef(registry, ref, tag);
  }
}

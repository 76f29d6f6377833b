package dev.sekisho.scanner.vex;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A package URL in the normalised form VEX matching compares (docs/vulnerability-database.md, "VEX
 * matching"). Parsing (percent-decoding, qualifier keys in lower case) is packageurl-java's; on top
 * of it:
 *
 * <ul>
 *   <li>namespace and name in lower case for the types whose purl specification says they are
 *       case-insensitive (alpm, apk, bitbucket, composer, deb, github, gitlab, hex, npm, nuget,
 *       oci, pypi; the rpm namespace), PyPI names with runs of {@code -_.} as one {@code -};
 *   <li>a version without a leading {@code v} before a digit ({@code v1.2.3} is {@code 1.2.3}), an
 *       OCI digest version in lower case;
 *   <li>qualifiers in a sorted map, values as decoded.
 * </ul>
 *
 * {@link #covers} is the matching rule: same type, namespace and name; a version on the statement's
 * side must equal the package's; a qualifier (or subpath) present on both sides must be equal, one
 * present on one side only is not compared.
 *
 * @param type the type, lower case
 * @param namespace the namespace, or null
 * @param name the name
 * @param version the version, or null
 * @param qualifiers the qualifiers, keys in lower case
 * @param subpath the subpath, or null
 */
public record Purl(
    String type,
    String namespace,
    String name,
    String version,
    SortedMap<String, String> qualifiers,
    String subpath) {
  private static final Set<String> CASE_INSENSITIVE =
      Set.of(
          "alpm",
          "apk",
          "bitbucket",
          "composer",
          "deb",
          "github",
          "gitlab",
          "hex",
          "npm",
          "nuget",
          "oci",
          "pypi");
  private static final Pattern V_PREFIX = Pattern.compile("^[vV](?=\\d)");
  private static final Pattern PYPI_SEPARATORS = Pattern.compile("[-_.]+");

  public Purl {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    qualifiers = qualifiers == null ? new TreeMap<>() : new TreeMap<>(qualifiers);
  }

  /** The normalised form of {@code text}, or empty when it is not a package URL. */
  public static Optional<Purl> parse(String text) {
    if (text == null || !text.regionMatches(true, 0, "pkg:", 0, 4)) {
      return Optional.empty();
    }
    // the scheme and the type are case-insensitive; packageurl-java wants them in lower case
    String t = text.strip();
    int slash = t.indexOf('/', 4);
    t = slash < 0 ? t : t.substring(0, slash).toLowerCase(Locale.ROOT) + t.substring(slash);
    PackageURL p;
    try {
      p = new PackageURL(t);
    } catch (MalformedPackageURLException | RuntimeException e) {
      return Optional.empty();
    }
    String type = p.getType().toLowerCase(Locale.ROOT);
    String namespace = emptyToNull(p.getNamespace());
    String name = p.getName();
    if (CASE_INSENSITIVE.contains(type)) {
      namespace = namespace == null ? null : namespace.toLowerCase(Locale.ROOT);
      name = name.toLowerCase(Locale.ROOT);
    } else if (type.equals("rpm") && namespace != null) {
      namespace = namespace.toLowerCase(Locale.ROOT);
    }
    if (type.equals("pypi")) {
      name = PYPI_SEPARATORS.matcher(name).replaceAll("-");
    }
    String version = emptyToNull(p.getVersion());
    if (version != null) {
      version = V_PREFIX.matcher(version).replaceFirst("");
      if (type.equals("oci")) {
        version = version.toLowerCase(Locale.ROOT);
      }
    }
    SortedMap<String, String> qualifiers = new TreeMap<>();
    Map<String, String> given = p.getQualifiers();
    if (given != null) {
      given.forEach(
          (k, v) -> {
            if (v != null && !v.isEmpty()) {
              qualifiers.put(k.toLowerCase(Locale.ROOT), v);
            }
          });
    }
    return Optional.of(
        new Purl(type, namespace, name, version, qualifiers, emptyToNull(p.getSubpath())));
  }

  /**
   * True when a statement about {@code this} is about {@code pkg}: same type, namespace and name; a
   * version here equals pkg's; qualifiers and subpath on both sides are equal.
   */
  public boolean covers(Purl pkg) {
    if (!type.equals(pkg.type)
        || !Objects.equals(namespace, pkg.namespace)
        || !name.equals(pkg.name)) {
      return false;
    }
    if (version != null && !version.equals(pkg.version)) {
      return false;
    }
    if (subpath != null && pkg.subpath != null && !subpath.equals(pkg.subpath)) {
      return false;
    }
    for (Map.Entry<String, String> q : qualifiers.entrySet()) {
      if (type.equals("oci") && version != null && q.getKey().equals("tag")) {
        continue; // a digest names the image; the tag may have moved since
      }
      String other = pkg.qualifiers.get(q.getKey());
      if (other != null && !sameQualifier(q.getKey(), q.getValue(), other)) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameQualifier(String key, String a, String b) {
    if (key.equals("repository_url")) {
      return repository(a).equals(repository(b));
    }
    return a.equals(b);
  }

  /**
   * A repository URL without scheme and trailing slash, in lower case, Docker Hub's forms as one
   * (index.docker.io, registry-1.docker.io, library/).
   */
  static String repository(String url) {
    String r = url.strip().toLowerCase(Locale.ROOT).replaceFirst("^[a-z]+://", "");
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    r = r.replaceFirst("^(index\\.docker\\.io|registry-1\\.docker\\.io)/", "docker.io/");
    if (r.startsWith("docker.io/library/")) {
      r = "docker.io/" + r.substring("docker.io/library/".length());
    }
    return r;
  }

  /** The canonical text of this purl (packageurl-java's encoding). */
  public String canonical() {
    try {
      return new PackageURL(
              type,
              namespace,
              name,
              version,
              qualifiers.isEmpty() ? null : new TreeMap<>(qualifiers),
              subpath)
          .canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalStateException("cannot encode purl " + type + "/" + name, e);
    }
  }

  @Override
  public String toString() {
    return canonical();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}

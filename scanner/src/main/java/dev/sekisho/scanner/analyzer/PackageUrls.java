package dev.sekisho.scanner.analyzer;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.sekisho.scanner.model.PackageType;
import java.util.Map;
import java.util.TreeMap;

/** Builds package URLs with packageurl-java, so encoding and normalisation follow the spec. */
public final class PackageUrls {
  private PackageUrls() {}

  /**
   * The canonical purl, or null when the parts cannot form one (an analyzer then still records the
   * package, without purl).
   *
   * @param namespace namespace (Maven groupId, npm scope without "@", distro vendor), or null
   * @param qualifiers qualifiers; null or empty values are left out
   */
  public static String of(
      PackageType type,
      String namespace,
      String name,
      String version,
      Map<String, String> qualifiers) {
    try {
      PackageURLBuilder b =
          PackageURLBuilder.aPackageURL().withType(type.purlType()).withName(name);
      if (namespace != null && !namespace.isEmpty()) {
        b.withNamespace(namespace);
      }
      if (version != null && !version.isEmpty()) {
        b.withVersion(version);
      }
      if (qualifiers != null) {
        new TreeMap<>(qualifiers)
            .forEach(
                (k, v) -> {
                  if (v != null && !v.isEmpty()) {
                    b.withQualifier(k, v);
                  }
                });
      }
      return b.build().canonicalize();
    } catch (MalformedPackageURLException | IllegalArgumentException e) {
      return null;
    }
  }

  /** A purl without namespace or qualifiers. */
  public static String of(PackageType type, String name, String version) {
    return of(type, null, name, version, null);
  }
}

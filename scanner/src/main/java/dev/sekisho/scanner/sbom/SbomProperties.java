package dev.sekisho.scanner.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.PackageType;

/** Names Sekisho uses for its own properties in SBOMs, and purl-to-package naming. */
final class SbomProperties {
  static final String TYPE = "sekisho:package:type";
  static final String NAME = "sekisho:package:name";
  static final String SOURCE_NAME = "sekisho:package:sourceName";
  static final String SOURCE_VERSION = "sekisho:package:sourceVersion";
  static final String LAYER = "sekisho:location:layerDigest";
  static final String PATH = "sekisho:location:path";
  static final String OS_CODENAME = "sekisho:os:codename";

  private SbomProperties() {}

  /** The package type for a purl type, or null when Sekisho has none for it. */
  static PackageType typeOf(String purlType) {
    for (PackageType t : PackageType.values()) {
      if (t.purlType().equals(purlType)) {
        return t;
      }
    }
    return null;
  }

  /** A parsed purl, or null. */
  static PackageURL parse(String purl) {
    if (purl == null || purl.isEmpty()) {
      return null;
    }
    try {
      return PackageUrls.parse(purl);
    } catch (MalformedPackageURLException e) {
      return null;
    }
  }

  /**
   * The package name Sekisho uses for a purl: Maven "groupId:artifactId", npm "@scope/name", Go
   * "module/path"; otherwise the purl name.
   */
  static String nameOf(PackageURL purl) {
    String ns = purl.getNamespace();
    if (ns == null || ns.isEmpty()) {
      return purl.getName();
    }
    return switch (purl.getType()) {
      case "maven" -> ns + ":" + purl.getName();
      case "npm", "golang", "composer" -> ns + "/" + purl.getName();
      default -> purl.getName();
    };
  }
}

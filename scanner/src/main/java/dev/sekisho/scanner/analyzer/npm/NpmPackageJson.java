package dev.sekisho.scanner.analyzer.npm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.util.ArrayList;
import java.util.List;

/** Maps npm's JSON (package.json, lockfile entries) to packages. */
final class NpmPackageJson {
  private NpmPackageJson() {}

  /** The package named {@code name} ("@scope/name" or "name") at {@code version}. */
  static Package toPackage(String name, String version, List<String> licenses, Location location) {
    String namespace = null;
    String bare = name;
    int slash = name.indexOf('/');
    if (name.startsWith("@") && slash > 0) {
      namespace = name.substring(0, slash);
      bare = name.substring(slash + 1);
    }
    return new Package(
        PackageType.NPM,
        name,
        version,
        null,
        null,
        licenses,
        PackageUrls.of(PackageType.NPM, namespace, bare, version, null),
        location,
        null);
  }

  /**
   * The declared licenses: "license" as a string (an SPDX expression) or, in old packages, as an
   * object with "type", or a "licenses" array of such objects.
   */
  static List<String> licenses(JsonNode json) {
    List<String> out = new ArrayList<>();
    JsonNode license = json.path("license");
    if (license.isTextual()) {
      out.add(license.asText());
    } else if (license.path("type").isTextual()) {
      out.add(license.path("type").asText());
    }
    for (JsonNode l : json.path("licenses")) {
      if (l.isTextual()) {
        out.add(l.asText());
      } else if (l.path("type").isTextual()) {
        out.add(l.path("type").asText());
      }
    }
    return out;
  }
}

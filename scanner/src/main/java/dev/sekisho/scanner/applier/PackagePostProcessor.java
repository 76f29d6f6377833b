package dev.sekisho.scanner.applier;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import com.github.packageurl.PackageURLBuilder;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.npm.NpmLockfileAnalyzer;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What can only be decided once all layers are merged: analyzers see one file at a time, so they
 * neither know the distribution (for OS package purls) nor whether an npm lockfile's packages are
 * also installed under node_modules. A pure function for the applier to call on the final
 * inventory.
 */
public final class PackagePostProcessor {
  private PackagePostProcessor() {}

  /**
   * Adds the distribution to OS package purls ({@code pkg:deb/debian/bash@…?distro=debian-12}) and
   * drops lockfile packages that an installed node_modules package already accounts for.
   */
  public static List<Package> finish(List<Package> packages, OperatingSystem os) {
    List<Package> out = new ArrayList<>(NpmLockfileAnalyzer.withoutInstalledDuplicates(packages));
    if (os != null) {
      out.replaceAll(p -> p.type().isOsPackage() ? withDistro(p, os) : p);
    }
    return out;
  }

  /** The package with the distribution's vendor as purl namespace and a distro qualifier. */
  static Package withDistro(Package p, OperatingSystem os) {
    if (p.purl() == null || os.family() == null) {
      return p;
    }
    try {
      PackageURL purl = PackageUrls.parse(p.purl());
      PackageURLBuilder b = purl.toBuilder().withNamespace(vendor(os.family()));
      Map<String, String> q = purl.getQualifiers();
      if (os.version() != null && (q == null || !q.containsKey("distro"))) {
        b.withQualifier("distro", os.family() + "-" + os.version());
      }
      String qualified = PackageUrls.canonical(b.build());
      return new Package(
          p.type(),
          p.name(),
          p.version(),
          p.sourceName(),
          p.sourceVersion(),
          p.licenses(),
          qualified,
          p.location(),
          p.metadata());
    } catch (MalformedPackageURLException e) {
      return p;
    }
  }

  /** The purl namespace for a distribution (purl spec examples use "redhat" for RHEL). */
  static String vendor(String family) {
    return family.equals("rhel") ? "redhat" : family;
  }
}

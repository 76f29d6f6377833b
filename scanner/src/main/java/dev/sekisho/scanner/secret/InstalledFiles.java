package dev.sekisho.scanner.secret;

import dev.sekisho.scanner.model.InstalledFile;
import dev.sekisho.scanner.model.SecretFinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settles secret findings against the package databases of the merged file system, a pure function
 * run after the layers are merged.
 *
 * <p>The secret analyzer runs per layer and per file, maybe before (or without) the layer that
 * holds the package database, and its results are cached per layer: it cannot know whether a file
 * is a package's. So it records, only for files where it found something, the file's MD5 and SHA-1
 * ({@link SecretFinding#fileDigests}); {@link InstalledFilesAnalyzer} records what dpkg and apk say
 * they installed. Here, on the merged result:
 *
 * <ul>
 *   <li>a finding in a file a package installed whose checksum still matches the recorded one is
 *       dropped: it is the package's published content (test keys, documentation), the same in
 *       every image that installs the package;
 *   <li>a finding in a package's file whose checksum differs is kept, its title saying that the
 *       file was changed after installation (configuration edited in the image);
 *   <li>every other finding is kept.
 * </ul>
 *
 * The checksums are dropped from the findings returned: a checksum of a small file holding a
 * password would let one guess the password offline.
 */
public final class InstalledFiles {
  private InstalledFiles() {}

  /**
   * @param secrets the merged file system's secret findings
   * @param installed the merged file system's installed-file records (empty when package files are
   *     to be scanned like any other, {@code --secrets-in-dependencies})
   * @return the findings that are the image's own, without checksums
   */
  public static List<SecretFinding> settle(
      List<SecretFinding> secrets, List<InstalledFile> installed) {
    if (secrets.isEmpty()) {
      return secrets;
    }
    Map<String, InstalledFile> byPath = new HashMap<>();
    for (InstalledFile f : installed) {
      byPath.put(f.path(), f);
    }
    List<SecretFinding> kept = new ArrayList<>();
    for (SecretFinding s : secrets) {
      String path = s.location() == null ? null : s.location().path();
      InstalledFile owner =
          path == null ? null : byPath.get(path.startsWith("/") ? path.substring(1) : path);
      SecretFinding bare = s.withFileDigests(List.of());
      if (owner == null) {
        kept.add(bare);
      } else if (s.fileDigests().contains(owner.digest())) {
        continue; // as installed
      } else if (s.fileDigests().isEmpty()) {
        kept.add(bare); // not known: keep
      } else {
        kept.add(
            bare.withTitle(
                s.title()
                    + " (in a file of package "
                    + owner.packageName()
                    + ", changed after installation)"));
      }
    }
    return kept;
  }
}

package dev.sekisho.scanner.applier;

import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.layer.LayerResult;
import dev.sekisho.scanner.model.ScanWarning;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operating system's package databases and release files that the merged file system holds only
 * behind a symbolic link, e.g. {@code lib/apk → usr/lib/apk} (Wolfi), {@code var/lib/dpkg →
 * /usr/share/dpkg-db}, {@code etc/os-release → ../usr/lib/os-release} whose target no analyzer
 * reads, or a link written in one layer to a directory of another.
 *
 * <p>The layer walk hands analyzers files by the path they are stored at and never follows links (a
 * link's target may be in another layer, and each layer is walked and cached alone). After merging,
 * each well-known path an analyzer wants ({@link #PATHS}, and the files of {@link #DIRECTORIES})
 * that is not an analysed file is resolved with {@link SymlinkResolver}; when it leads through a
 * link to a regular file that the same analyzers would not already have read under its own path,
 * the plan names the layer that holds the target, to be read again for that file only, and the path
 * the analyzers must see it under. A link that leads nowhere or loops gives a warning. A pure
 * function: no I/O.
 */
public final class LinkedFiles {
  /** Files analyzers want at a fixed path: release files and package databases. */
  public static final List<String> PATHS =
      List.of(
          "etc/os-release",
          "usr/lib/os-release",
          "etc/alpine-release",
          "etc/debian_version",
          "etc/redhat-release",
          "etc/centos-release",
          "etc/rocky-release",
          "etc/almalinux-release",
          "etc/fedora-release",
          "etc/oracle-release",
          "var/lib/dpkg/status",
          "lib/apk/db/installed",
          "var/lib/rpm/Packages",
          "var/lib/rpm/Packages.db",
          "var/lib/rpm/rpmdb.sqlite",
          "usr/lib/sysimage/rpm/Packages",
          "usr/lib/sysimage/rpm/Packages.db",
          "usr/lib/sysimage/rpm/rpmdb.sqlite");

  /** Directories whose files analyzers want (distroless images' dpkg records). */
  public static final List<String> DIRECTORIES = List.of("var/lib/dpkg/status.d");

  /** Size and mode asked about before the file is read (the read asks again with the real ones). */
  private static final FileInfo PROBE = new FileInfo(0, 0644);

  private LinkedFiles() {}

  /**
   * What to read again.
   *
   * @param byLayer layer index (bottom-up) → target path in that layer → the paths the analyzers
   *     must see its content under
   * @param analyzers names of the analyzers to run on those files: those that want a file under the
   *     link's path but not under the target's (the others read it in the layer walk already)
   * @param warnings links that lead nowhere or loop, once each
   */
  public record Plan(
      Map<Integer, Map<String, List<String>>> byLayer,
      Set<String> analyzers,
      List<ScanWarning> warnings) {
    public boolean isEmpty() {
      return byLayer.isEmpty() && warnings.isEmpty();
    }
  }

  /**
   * Plans the second reads.
   *
   * @param layers the layers' records, bottom-up
   * @param analysed the paths of the merged file system's analysed files
   * @param analyzers the scan's analyzers
   */
  public static Plan plan(
      List<LayerResult> layers, Set<String> analysed, List<Analyzer> analyzers) {
    SymlinkResolver resolver = new SymlinkResolver(layers);
    Map<Integer, Map<String, List<String>>> byLayer = new TreeMap<>();
    Set<String> problems = new LinkedHashSet<>();
    Set<String> needed = new TreeSet<>();
    List<String> candidates = new ArrayList<>(PATHS);
    for (String dir : DIRECTORIES) {
      SymlinkResolver.Resolution r = resolver.resolve(dir);
      if (r.throughLink() && r.node().kind() == SymlinkResolver.Kind.DIRECTORY) {
        for (String name : resolver.childNames(r.resolved())) {
          candidates.add(dir + "/" + name);
        }
      } else if (r.problem() != null) {
        problems.add(r.problem());
      }
    }
    for (String path : candidates) {
      if (analysed.contains(path)) {
        continue;
      }
      List<Analyzer> wanting = wanting(analyzers, path);
      if (wanting.isEmpty()) {
        continue;
      }
      SymlinkResolver.Resolution r = resolver.resolve(path);
      if (r.problem() != null) {
        problems.add(r.problem());
        continue;
      }
      if (!r.throughLink() || r.node().kind() != SymlinkResolver.Kind.FILE) {
        continue;
      }
      String target = r.resolved();
      List<Analyzer> missed = new ArrayList<>(wanting);
      missed.removeAll(wanting(analyzers, target));
      if (missed.isEmpty()) {
        continue; // the layer walk gave the target to these analyzers under its own path
      }
      missed.forEach(a -> needed.add(a.name()));
      byLayer
          .computeIfAbsent(r.node().layer(), k -> new TreeMap<>())
          .computeIfAbsent(target, k -> new ArrayList<>())
          .add(path);
    }
    List<ScanWarning> warnings = new ArrayList<>();
    for (String problem : problems) {
      warnings.add(
          new ScanWarning(
              null,
              problem + ": the package and release files looked for through it are not read"));
    }
    return new Plan(byLayer, needed, warnings);
  }

  private static List<Analyzer> wanting(List<Analyzer> analyzers, String path) {
    List<Analyzer> out = new ArrayList<>();
    for (Analyzer a : analyzers) {
      try {
        if (a.required(path, PROBE)) {
          out.add(a);
        }
      } catch (RuntimeException e) {
        // as in the layer walk: an analyzer that fails to answer does not want the file
      }
    }
    return out;
  }
}

package dev.sekisho.scanner.analyzer.list;

import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.apk.ApkAnalyzer;
import dev.sekisho.scanner.analyzer.dotnet.DotnetDepsAnalyzer;
import dev.sekisho.scanner.analyzer.dpkg.DpkgAnalyzer;
import dev.sekisho.scanner.analyzer.golang.GoBinaryAnalyzer;
import dev.sekisho.scanner.analyzer.java.JavaArchiveAnalyzer;
import dev.sekisho.scanner.analyzer.npm.NpmLockfileAnalyzer;
import dev.sekisho.scanner.analyzer.npm.NpmPackageJsonAnalyzer;
import dev.sekisho.scanner.analyzer.os.OsReleaseAnalyzer;
import dev.sekisho.scanner.analyzer.php.ComposerInstalledAnalyzer;
import dev.sekisho.scanner.analyzer.python.PythonMetadataAnalyzer;
import dev.sekisho.scanner.analyzer.rpm.RpmAnalyzer;
import dev.sekisho.scanner.analyzer.ruby.GemspecAnalyzer;
import dev.sekisho.scanner.analyzer.rust.CargoAuditableAnalyzer;
import dev.sekisho.scanner.secret.InstalledFilesAnalyzer;
import dev.sekisho.scanner.secret.SecretAnalyzer;
import dev.sekisho.scanner.secret.SecretScanner;
import java.util.List;

/**
 * The one explicit list of analyzers. Add a new analyzer here; nothing is discovered by classpath
 * scanning.
 */
public final class Analyzers {
  private Analyzers() {}

  /** Every analyzer, in a stable order. */
  public static List<Analyzer> all() {
    return all(false);
  }

  /**
   * Every analyzer, in a stable order.
   *
   * @param secretsInDependencyTrees let the secret analyzer also read the third-party dependency
   *     trees it skips by default ({@link SecretScanner#DEPENDENCY_TREES})
   */
  public static List<Analyzer> all(boolean secretsInDependencyTrees) {
    if (!secretsInDependencyTrees) {
      // and what packages installed, to drop findings in their unchanged files (InstalledFiles);
      // left out when dependencies' secrets are asked for, as those files are then reported
      List<Analyzer> all = new java.util.ArrayList<>(all(true));
      all.set(all.size() - 1, new SecretAnalyzer());
      all.add(new InstalledFilesAnalyzer());
      return List.copyOf(all);
    }
    return List.of(
        new OsReleaseAnalyzer(),
        new DpkgAnalyzer(),
        new ApkAnalyzer(),
        new RpmAnalyzer(),
        new JavaArchiveAnalyzer(),
        new NpmPackageJsonAnalyzer(),
        new NpmLockfileAnalyzer(),
        new PythonMetadataAnalyzer(),
        new GemspecAnalyzer(),
        new GoBinaryAnalyzer(),
        new CargoAuditableAnalyzer(),
        new DotnetDepsAnalyzer(),
        new ComposerInstalledAnalyzer(),
        SecretAnalyzer.includingDependencyTrees());
  }
}

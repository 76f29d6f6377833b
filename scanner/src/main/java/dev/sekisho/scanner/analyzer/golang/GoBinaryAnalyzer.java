package dev.sekisho.scanner.analyzer.golang;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Go modules compiled into ELF executables, from the build info in {@code .go.buildinfo}: the main
 * module, every dependency (with {@code =>} replacements applied) and the standard library as
 * module "stdlib" with the toolchain's version ("go1.22.1" becomes "v1.22.1", as the Go
 * vulnerability database and Trivy name it). Each carries the binary's {@code GOOS} and {@code
 * GOARCH} build settings, so that advisories for other platforms are not matched.
 */
public final class GoBinaryAnalyzer implements Analyzer {
  static final String STDLIB = "stdlib";
  private static final long MIN_SIZE = 1024;

  @Override
  public String name() {
    return "go-binary";
  }

  @Override
  public int version() {
    // 2: packages carry the binary's GOOS/GOARCH
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return info.executable() && info.size() >= MIN_SIZE;
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    SeekableByteChannel ch = input.channel();
    if (!ElfFile.isElf(ch)) {
      return AnalysisResult.EMPTY; // scripts and other executables are not Go binaries
    }
    GoBuildInfo info;
    try {
      info = GoBuildInfo.read(ElfFile.read(ch));
    } catch (ElfFormatException | EOFException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getMessage())));
    }
    if (info == null) {
      return AnalysisResult.EMPTY;
    }
    return AnalysisResult.ofPackages(packages(info, input.location()), null);
  }

  static List<Package> packages(GoBuildInfo info, Location location) {
    List<Package> out = new ArrayList<>();
    if (info.main() != null) {
      out.add(module(info.main(), info, true, location));
    }
    for (GoBuildInfo.Module m : info.deps()) {
      if (m.version().isEmpty() || m.path().startsWith(".") || m.path().startsWith("/")) {
        continue; // replaced by a local directory: no published version to match
      }
      out.add(module(m, info, false, location));
    }
    String stdlib = stdlibVersion(info.goVersion());
    if (stdlib != null) {
      out.add(
          new Package(
              PackageType.GOLANG,
              STDLIB,
              stdlib,
              null,
              null,
              List.of(),
              PackageUrls.of(PackageType.GOLANG, STDLIB, stdlib),
              location,
              new PackageMetadata.GoModule(info.goVersion(), false, info.goos(), info.goarch())));
    }
    return out;
  }

  /** "go1.22.1" or "go1.22.1 X:boringcrypto" to "v1.22.1"; null for devel toolchains. */
  static String stdlibVersion(String goVersion) {
    if (goVersion == null || !goVersion.startsWith("go")) {
      return null;
    }
    String v = goVersion.substring(2);
    int space = v.indexOf(' ');
    if (space >= 0) {
      v = v.substring(0, space);
    }
    return v.isEmpty() || !Character.isDigit(v.charAt(0)) ? null : "v" + v;
  }

  private static Package module(
      GoBuildInfo.Module m, GoBuildInfo info, boolean main, Location location) {
    int slash = m.path().lastIndexOf('/');
    String namespace = slash > 0 ? m.path().substring(0, slash) : null;
    String name = slash > 0 ? m.path().substring(slash + 1) : m.path();
    return new Package(
        PackageType.GOLANG,
        m.path(),
        m.version(),
        null,
        null,
        List.of(),
        PackageUrls.of(PackageType.GOLANG, namespace, name, m.version(), null),
        location,
        new PackageMetadata.GoModule(info.goVersion(), main, info.goos(), info.goarch()));
  }
}

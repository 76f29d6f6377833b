package dev.sekisho.scanner.analyzer.golang;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
import dev.sekisho.scanner.model.GoSymbols;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Go modules compiled into ELF executables, from the build info in {@code .go.buildinfo}: the main
 * module, every dependency (with {@code =>} replacements applied) and the standard library as
 * module "stdlib" with the toolchain's version ("go1.22.1" becomes "v1.22.1", as the Go
 * vulnerability database and Trivy name it). Each carries the binary's {@code GOOS} and {@code
 * GOARCH} build settings, so that advisories for other platforms are not matched, and the functions
 * of its packages that the binary's symbol table names ({@link GoSymbolTable}), for reachability. A
 * symbol table that cannot be read leaves the symbols unknown and adds a warning; the modules are
 * still reported.
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
    // 2: packages carry the binary's GOOS/GOARCH; 3: and their functions (symbol table)
    return 3;
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
    ElfFile elf;
    try {
      elf = ElfFile.read(ch);
      info = GoBuildInfo.read(elf);
    } catch (ElfFormatException | EOFException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getMessage())));
    }
    if (info == null) {
      return AnalysisResult.EMPTY;
    }
    GoSymbolTable.Result symbols = null;
    List<ScanWarning> warnings = null;
    try {
      symbols = GoSymbolTable.read(elf);
    } catch (ElfFormatException | EOFException e) {
      warnings =
          List.of(
              input.cannotParse(
                  "Go symbol table: " + e.getMessage() + "; reachability of its findings unknown"));
    }
    return AnalysisResult.ofPackages(packages(info, symbols, input.location()), warnings);
  }

  static List<Package> packages(GoBuildInfo info, Location location) {
    return packages(info, null, location);
  }

  static List<Package> packages(GoBuildInfo info, GoSymbolTable.Result symbols, Location location) {
    Map<String, Map<String, List<String>>> byModule = byModule(info, symbols);
    List<Package> out = new ArrayList<>();
    if (info.main() != null) {
      out.add(module(info.main(), info, true, location, goSymbols(symbols, byModule, info.main())));
    }
    for (GoBuildInfo.Module m : info.deps()) {
      if (m.version().isEmpty() || m.path().startsWith(".") || m.path().startsWith("/")) {
        continue; // replaced by a local directory: no published version to match
      }
      out.add(module(m, info, false, location, goSymbols(symbols, byModule, m)));
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
              new PackageMetadata.GoModule(
                  info.goVersion(),
                  false,
                  info.goos(),
                  info.goarch(),
                  symbols == null
                      ? null
                      : new GoSymbols(
                          symbols.inlinedRead(), byModule.getOrDefault(STDLIB, Map.of())))));
    }
    return out;
  }

  private static GoSymbols goSymbols(
      GoSymbolTable.Result symbols,
      Map<String, Map<String, List<String>>> byModule,
      GoBuildInfo.Module m) {
    if (symbols == null) {
      return null;
    }
    return new GoSymbols(symbols.inlinedRead(), byModule.getOrDefault(m.path(), Map.of()));
  }

  /**
   * The binary's packages grouped by the module that provides them, as govulncheck relates them:
   * the module whose path is the longest prefix of the package path (at a path boundary), else the
   * standard library when the first path element has no dot. Package "main" is the binary's main
   * package path. A replaced module's packages are named under the replacement's path, the name the
   * advisories matched against it use.
   */
  static Map<String, Map<String, List<String>>> byModule(
      GoBuildInfo info, GoSymbolTable.Result symbols) {
    Map<String, Map<String, List<String>>> out = new HashMap<>();
    if (symbols == null) {
      return out;
    }
    List<GoBuildInfo.Module> modules = new ArrayList<>(info.deps());
    if (info.main() != null) {
      modules.add(info.main());
    }
    for (Map.Entry<String, Set<String>> e : symbols.packages().entrySet()) {
      String pkg = e.getKey();
      if (pkg.equals("main") && info.path() != null) {
        pkg = info.path();
      }
      GoBuildInfo.Module best = null;
      String bestPrefix = null;
      for (GoBuildInfo.Module m : modules) {
        String prefix = m.replacedFrom() != null ? m.replacedFrom() : m.path();
        if ((pkg.equals(prefix) || pkg.startsWith(prefix + "/"))
            && (bestPrefix == null || prefix.length() > bestPrefix.length())) {
          best = m;
          bestPrefix = prefix;
        }
      }
      String module;
      if (best != null) {
        module = best.path();
        pkg = best.path() + pkg.substring(bestPrefix.length());
      } else if (isStdPackage(pkg)) {
        module = STDLIB;
      } else {
        continue;
      }
      out.computeIfAbsent(module, k -> new HashMap<>())
          .merge(
              pkg,
              new ArrayList<>(e.getValue()),
              (a, b) -> {
                a.addAll(b);
                return a;
              });
    }
    return out;
  }

  /** govulncheck's IsStdPackage: no dot in the first path element. */
  static boolean isStdPackage(String pkg) {
    int slash = pkg.indexOf('/');
    String first = slash >= 0 ? pkg.substring(0, slash) : pkg;
    return !first.isEmpty() && !first.contains(".");
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
      GoBuildInfo.Module m, GoBuildInfo info, boolean main, Location location, GoSymbols symbols) {
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
        new PackageMetadata.GoModule(info.goVersion(), main, info.goos(), info.goarch(), symbols));
  }
}

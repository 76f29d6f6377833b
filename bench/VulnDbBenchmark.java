import dev.sekisho.scanner.match.VulnerabilityMatcher;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.DatabaseInfo;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Vulnerability database benchmark: builds a database from a generated OSV data set, then measures
 * open time and matching time for a 2,000-package inventory. Run with bench/run-vulndb.sh.
 *
 * <p>Data set (deterministic, seed 42): ADVISORIES records split over Debian:12 (40%), npm (20%),
 * PyPI (15%), Maven (15%) and Go (10%), over a pool of package names so that names carry several
 * advisories each, as in real data; a third of the Debian records are tracker-style records with
 * an explicit versions list. Inventory: 1,000 Debian binaries (half of them from a differently
 * named source package) and 1,000 language packages, all named in the data set.
 */
public class VulnDbBenchmark {

  static final String[] ECOS = {"Debian:12", "npm", "PyPI", "Maven", "Go"};
  static final int[] SHARE = {40, 20, 15, 15, 10};

  static String name(String eco, int i) {
    return switch (eco) {
      case "npm" -> (i % 3 == 0 ? "@scope" + (i % 50) + "/" : "") + "pkg-" + i;
      case "PyPI" -> "py-pkg-" + i;
      case "Maven" -> "org.example.g" + (i % 100) + ":artifact-" + i;
      case "Go" -> "example.com/mod" + (i % 100) + "/pkg" + i;
      default -> "src-" + i;
    };
  }

  static String fixed(String eco, int k) {
    return switch (eco) {
      case "Debian:12" -> "1." + k + ".0-1+deb12u1";
      default -> "1." + k + ".0";
    };
  }

  static java.lang.management.ThreadMXBean threads0() {
    return java.lang.management.ManagementFactory.getThreadMXBean();
  }

  public static void main(String[] args) throws Exception {
    int advisories = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    Path work = Files.createTempDirectory("sekisho-bench");
    Path data = work.resolve("osv");
    Files.createDirectories(data);
    Random rnd = new Random(42);
    int namesPerEco = advisories / 20; // ~20 advisories per package name on average
    long t0 = System.nanoTime();
    for (int e = 0; e < ECOS.length; e++) {
      String eco = ECOS[e];
      int n = advisories * SHARE[e] / 100;
      Path zip = data.resolve(eco.replace(':', '_') + "-all.zip");
      try (OutputStream fo = new BufferedOutputStream(Files.newOutputStream(zip));
          ZipOutputStream z = new ZipOutputStream(fo)) {
        for (int i = 0; i < n; i++) {
          String id = (eco.startsWith("Debian") ? "DEBIAN-CVE-" : "GHSA-") + e + "-" + i;
          int nameIdx = rnd.nextInt(namesPerEco);
          int k = rnd.nextInt(30);
          String versions =
              eco.startsWith("Debian") && i % 3 == 0
                  ? ",\"versions\":[\"1.0.0-1\",\"1." + k + ".0-1\",\"1." + k + ".0-2\"]"
                  : "";
          String type = eco.equals("npm") || eco.equals("Go") ? "SEMVER" : "ECOSYSTEM";
          String json =
              "{\"schema_version\":\"1.6.0\",\"id\":\"" + id + "\",\"modified\":\"2026-10-01T00:00:00Z\","
                  + "\"published\":\"2026-09-01T00:00:00Z\",\"aliases\":[\"CVE-2099-" + (e * 1_000_000 + i) + "\"],"
                  + "\"summary\":\"generated advisory " + i + "\","
                  + "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H\"}],"
                  + "\"references\":[{\"type\":\"ADVISORY\",\"url\":\"https://example.org/" + id + "\"}],"
                  + "\"affected\":[{\"package\":{\"ecosystem\":\"" + eco + "\",\"name\":\"" + name(eco, nameIdx) + "\"},"
                  + "\"ranges\":[{\"type\":\"" + type + "\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\""
                  + fixed(eco, k) + "\"}]}]" + versions
                  + (eco.startsWith("Debian") ? ",\"ecosystem_specific\":{\"urgency\":\"medium\"}" : "")
                  + "}]}";
          z.putNextEntry(new ZipEntry(id + ".json"));
          z.write(json.getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
        }
      }
    }
    long genMs = (System.nanoTime() - t0) / 1_000_000;

    List<Path> inputs;
    try (var s = Files.list(data)) {
      inputs = s.sorted().toList();
    }
    Path dbDir = work.resolve("db");
    long b0 = System.nanoTime();
    long bc0 = threads0().getCurrentThreadCpuTime();
    DatabaseInfo info = new DatabaseUpdater().importFrom(inputs, dbDir, line -> {});
    long buildMs = (System.nanoTime() - b0) / 1_000_000;
    long buildCpuMs = (threads0().getCurrentThreadCpuTime() - bc0) / 1_000_000;

    // inventory: 1000 deb (every other one built from a differently named source) + 1000 language
    List<Package> pkgs = new ArrayList<>();
    Location loc = new Location(null, "/var/lib/dpkg/status");
    for (int i = 0; i < 1000; i++) {
      int idx = (i * 7) % namesPerEco;
      String src = name("Debian:12", idx);
      String bin = i % 2 == 0 ? src : "lib" + src + "-bin";
      pkgs.add(new Package(PackageType.DEB, bin, "1.10.0-1", i % 2 == 0 ? null : src, null, List.of(), null, loc, null));
    }
    PackageType[] langs = {PackageType.NPM, PackageType.PYPI, PackageType.MAVEN, PackageType.GOLANG};
    for (int i = 0; i < 1000; i++) {
      PackageType t = langs[i % 4];
      int idx = (i * 13) % namesPerEco;
      String v = t == PackageType.GOLANG ? "v1.10.0" : "1.10.0";
      pkgs.add(new Package(t, name(t.osvEcosystem(), idx), v, null, null, List.of(), null, loc, null));
    }
    OperatingSystem os = new OperatingSystem("debian", "12", "bookworm", null);

    long[] openUs = new long[5];
    for (int r = 0; r < openUs.length; r++) {
      long o0 = System.nanoTime();
      try (VulnDatabase db = VulnDatabase.open(dbDir)) {
        db.info();
      }
      openUs[r] = (System.nanoTime() - o0) / 1_000;
    }

    long[] matchUs = new long[11];
    long[] matchCpuUs = new long[11];
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    int findings = 0;
    long firstOpenUs;
    long o0 = System.nanoTime();
    try (VulnDatabase db = VulnDatabase.open(dbDir)) {
      firstOpenUs = (System.nanoTime() - o0) / 1_000;
      for (int r = 0; r < matchUs.length; r++) {
        VulnerabilityMatcher m = new VulnerabilityMatcher(db);
        long c0 = threads.getCurrentThreadCpuTime();
        long m0 = System.nanoTime();
        List<Vulnerability> found = m.match(os, pkgs);
        matchUs[r] = (System.nanoTime() - m0) / 1_000;
        matchCpuUs[r] = (threads.getCurrentThreadCpuTime() - c0) / 1_000;
        findings = found.size();
      }
    }
    // a realistic inventory: the same 2,000 packages, but only one in ten named in the data set
    List<Package> realistic = new ArrayList<>();
    for (int i = 0; i < pkgs.size(); i++) {
      Package p = pkgs.get(i);
      realistic.add(
          i % 10 == 0
              ? p
              : new Package(p.type(), p.name() + "-clean", p.version(), p.sourceName() == null ? null : p.sourceName() + "-clean",
                  null, List.of(), null, loc, null));
    }
    long[] realCpuUs = new long[11];
    long[] realUs = new long[11];
    int realFindings = 0;
    try (VulnDatabase db = VulnDatabase.open(dbDir)) {
      for (int r = 0; r < realCpuUs.length; r++) {
        long c0 = threads.getCurrentThreadCpuTime();
        long m0 = System.nanoTime();
        realFindings = new VulnerabilityMatcher(db).match(os, realistic).size();
        realUs[r] = (System.nanoTime() - m0) / 1_000;
        realCpuUs[r] = (threads.getCurrentThreadCpuTime() - c0) / 1_000;
      }
    }
    Arrays.sort(realUs, 1, realUs.length);
    Arrays.sort(realCpuUs, 1, realCpuUs.length);
    long[] later = Arrays.copyOfRange(matchUs, 1, matchUs.length);
    Arrays.sort(later);
    long[] laterCpu = Arrays.copyOfRange(matchCpuUs, 1, matchCpuUs.length);
    Arrays.sort(laterCpu);
    Arrays.sort(openUs);
    System.out.printf("advisories generated      %d (affected entries %d) in %d ms%n", info.advisories(), info.affectedEntries(), genMs);
    System.out.printf("build (import) time       %d ms wall, %d ms thread CPU%n", buildMs, buildCpuMs);
    System.out.printf("database size             %.1f MiB%n", info.sizeBytes() / 1048576.0);
    System.out.printf("open + info, median of 5  %.1f ms (min %.1f, max %.1f)%n", openUs[2] / 1000.0, openUs[0] / 1000.0, openUs[4] / 1000.0);
    System.out.printf("match 2000 packages       first run %.1f ms, median of next 10 %.1f ms (max %.1f); %d findings%n",
        matchUs[0] / 1000.0, later[later.length / 2] / 1000.0, later[later.length - 1] / 1000.0, findings);
    System.out.printf("match 2000 packages (CPU)  median of 10 after the first: %.1f ms of thread CPU time%n",
        laterCpu[laterCpu.length / 2] / 1000.0);
    System.out.printf("match 2000 packages, 10%% named in the data: median of 10 after the first %.1f ms wall, %.1f ms thread CPU; %d findings%n",
        realUs[6] / 1000.0, realCpuUs[6] / 1000.0, realFindings);
    try (var walk = Files.walk(work)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

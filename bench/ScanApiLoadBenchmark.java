import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.scan.MatchingDatabase;
import dev.sekisho.scanner.scan.ScanInput;
import dev.sekisho.scanner.scan.ScanPipeline;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The scan API's work under load, in process: SUBMISSIONS submissions of a 2,000-package inventory
 * arrive at once and are served by THREADS threads (the operator's scan API has 8 by default,
 * SEKISHO_API_THREADS), each running ScanPipeline.scan on one shared database as ScanService.submit
 * does. Measured per submission: from its arrival to its report (queueing included). Not measured:
 * HTTP and JSON decoding, the ScanResult write to the Kubernetes API and the wait for the
 * reconciler's decision. Run with bench/run-scan-api-load.sh.
 *
 * <p>Data set as in VulnDbBenchmark (seed 42, ADVISORIES records over Debian:12, npm, PyPI, Maven
 * and Go); the inventory's 2,000 packages are all named in it (the heaviest case: about 3.6
 * findings per package).
 */
public class ScanApiLoadBenchmark {
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

  public static void main(String[] args) throws Exception {
    int advisories = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    int submissions = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    // SEKISHO_BENCH_WORK keeps the generated database between runs (it is rebuilt when missing)
    String keep = System.getenv("SEKISHO_BENCH_WORK");
    Path work =
        keep != null
            ? Files.createDirectories(Path.of(keep, "scan-api-" + advisories))
            : Files.createTempDirectory("sekisho-bench-api");
    Path data = Files.createDirectories(work.resolve("osv"));
    Path dbDir = work.resolve("db");
    boolean built = Files.isRegularFile(VulnDatabase.databaseFile(dbDir));
    Random rnd = new Random(42);
    int namesPerEco = advisories / 20;
    for (int e = 0; e < ECOS.length && !built; e++) {
      String eco = ECOS[e];
      int n = advisories * SHARE[e] / 100;
      try (OutputStream fo =
              new BufferedOutputStream(
                  Files.newOutputStream(data.resolve(eco.replace(':', '_') + "-all.zip")));
          ZipOutputStream z = new ZipOutputStream(fo)) {
        for (int i = 0; i < n; i++) {
          String id = (eco.startsWith("Debian") ? "DEBIAN-CVE-" : "GHSA-") + e + "-" + i;
          int k = rnd.nextInt(30);
          String type = eco.equals("npm") || eco.equals("Go") ? "SEMVER" : "ECOSYSTEM";
          String fixed = eco.startsWith("Debian") ? "1." + k + ".0-1+deb12u1" : "1." + k + ".0";
          String json =
              "{\"schema_version\":\"1.6.0\",\"id\":\"" + id + "\",\"modified\":\"2026-10-01T00:00:00Z\","
                  + "\"published\":\"2026-09-01T00:00:00Z\",\"aliases\":[\"CVE-2099-" + (e * 1_000_000 + i) + "\"],"
                  + "\"summary\":\"generated advisory " + i + "\","
                  + "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H\"}],"
                  + "\"affected\":[{\"package\":{\"ecosystem\":\"" + eco + "\",\"name\":\"" + name(eco, rnd.nextInt(namesPerEco)) + "\"},"
                  + "\"ranges\":[{\"type\":\"" + type + "\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"" + fixed + "\"}]}]}]}";
          z.putNextEntry(new ZipEntry(id + ".json"));
          z.write(json.getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
        }
      }
    }
    List<Path> inputs;
    try (var s = Files.list(data)) {
      inputs = s.sorted().toList();
    }
    if (!built) {
      new DatabaseUpdater().importFrom(inputs, dbDir, line -> {});
    }

    List<Package> pkgs = new ArrayList<>();
    Location loc = new Location(null, "/var/lib/dpkg/status");
    for (int i = 0; i < 1000; i++) {
      String src = name("Debian:12", (i * 7) % namesPerEco);
      String bin = i % 2 == 0 ? src : "lib" + src + "-bin";
      pkgs.add(new Package(PackageType.DEB, bin, "1.10.0-1", i % 2 == 0 ? null : src, null, List.of(), null, loc, null));
    }
    PackageType[] langs = {PackageType.NPM, PackageType.PYPI, PackageType.MAVEN, PackageType.GOLANG};
    for (int i = 0; i < 1000; i++) {
      PackageType t = langs[i % 4];
      String v = t == PackageType.GOLANG ? "v1.10.0" : "1.10.0";
      pkgs.add(new Package(t, name(t.osvEcosystem(), (i * 13) % namesPerEco), v, null, null, List.of(), null, loc, null));
    }
    OperatingSystem os = new OperatingSystem("debian", "12", "bookworm", null);

    System.out.printf(
        "advisories %d, inventory %d packages, %d submissions at once, %d threads, %d cores, max heap %d MiB%n",
        advisories, pkgs.size(), submissions, threads, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    try (VulnDatabase vdb = VulnDatabase.open(dbDir)) {
      MatchingDatabase db = MatchingDatabase.of(vdb);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      // one unmeasured round warms the JIT and the database's caches
      for (int round = 0; round <= rounds; round++) {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        var osBean =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = osBean.getProcessCpuTime();
        long start = System.nanoTime();
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < submissions; i++) {
          int n = i;
          done.add(
              pool.submit(
                  () -> {
                    Inventory inv =
                        new Inventory(
                            new ImageFacts("registry.example.com/app:" + n, "registry.example.com", "app", "" + n,
                                null, "linux/amd64", "1000", null, null, true, null, null, null, null),
                            os, pkgs, null, null);
                    ScanReport report =
                        ScanPipeline.scan(
                                new ScanInput(new ScanInput.Received(inv), db, null, null, Clock.systemUTC(), null))
                            .report();
                    if (report.vulnerabilities().isEmpty()) {
                      throw new IllegalStateException("no findings");
                    }
                    return System.nanoTime() - start;
                  }));
        }
        long[] ms = new long[submissions];
        for (int i = 0; i < submissions; i++) {
          ms[i] = done.get(i).get() / 1_000_000;
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        long cpuMs = (osBean.getProcessCpuTime() - cpu0) / 1_000_000;
        Arrays.sort(ms);
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
          if (p.getType() == MemoryType.HEAP) {
            peak += p.getPeakUsage().getUsed();
          }
        }
        System.out.printf(
            "%s p50 %d ms, p99 %d ms, max %d ms, all answered in %d ms (%.1f submissions/s),"
                + " process CPU %d ms (%d ms per submission), peak heap used %d MiB%n",
            round == 0 ? "warm-up " : "round " + round, ms[ms.length / 2],
            ms[(int) Math.ceil(ms.length * 0.99) - 1], ms[ms.length - 1], wall,
            submissions * 1000.0 / wall, cpuMs, cpuMs / submissions, peak >> 20);
      }
      pool.shutdown();
    }
    if (keep == null) {
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}

package dev.sekisho.scanner.analyzer.rpm;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.model.InstalledFile;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.secret.InstalledFiles;
import dev.sekisho.scanner.secret.SecretAnalyzer;
import dev.sekisho.testkit.ChildProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rpm databases made by the real tools at test time: rpmbuild builds three tiny packages, Debian's
 * rpm installs them into a fresh SQLite rpmdb (the only writable back end it is built with), and
 * BerkeleyDB's own db_load writes the same header blobs into a BerkeleyDB hash "Packages" file,
 * which rpm's read-only bdb back end must then list identically. Debian's rpm has no NDB back end,
 * so the NDB file is laid out by this test following rpm's lib/backend/ndb/rpmpkg.c.
 */
@org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class RpmAnalyzerTest {
  @TempDir static Path work;
  private static Path sqliteDb;
  private static Path bdbDb;
  private static byte[] ndbDb;
  private static Set<String> expected;
  private static Set<InstalledFile> expectedFiles;

  private static final String KEY =
      "-----BEGIN RSA PRIVATE KEY-----\n"
          + "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6y0VBO3tpTmWfNcYdvBu2vDk1\n"
          + "q8XlJt0VtqpGfS3KMx8cWa8hMH3o7aY2lQ9rNw5ZbE1fGuP4cRkTjVx6mLsDnB0y\n"
          + "-----END RSA PRIVATE KEY-----\n";
  private static final String CONF = "[db]\nhost = db\n";

  private final RpmAnalyzer analyzer = new RpmAnalyzer();

  @BeforeAll
  static void buildDatabases() throws Exception {
    assumeTrue(
        has("rpmbuild", "--version") && has("rpm", "--version"), "rpm/rpmbuild not installed");
    Path top = work.resolve("rpmbuild");
    Files.createDirectories(top.resolve("SPECS"));
    spec(top, "sekisho-alpha", "Epoch: 2\n", "1.0", "3.fc40", "MIT", "");
    spec(top, "sekisho-beta", "", "0.9.1", "1", "GPL-2.0-or-later", "");
    spec(
        top,
        "sekisho-gamma",
        "",
        "18.19.0",
        "1.module+el9",
        "MIT and ISC",
        "--define=modularitylabel nodejs:18:9040020240105:rhel9");
    // packages with files: a test key and a %config file, digests in rpm's default SHA-256 and in
    // MD5 (no FILEDIGESTALGO tag, as rpm before 4.6 and when configured so)
    Files.writeString(work.resolve("key.pem"), KEY);
    Files.writeString(work.resolve("app.conf"), CONF);
    specWithFiles(top, "sekisho-delta", "");
    specWithFiles(top, "sekisho-epsilon", "1");
    Path db = work.resolve("sqlite");
    Files.createDirectories(db);
    run("rpm", "--dbpath", db.toString(), "--initdb");
    List<String> install =
        new ArrayList<>(
            List.of(
                "rpm",
                "--dbpath",
                db.toString(),
                "-i",
                "--justdb",
                "--nodeps",
                "--noscripts",
                "--ignorearch",
                "--ignoreos"));
    try (var files = Files.walk(top.resolve("RPMS"))) {
      files.filter(f -> f.toString().endsWith(".rpm")).forEach(f -> install.add(f.toString()));
    }
    run(install.toArray(String[]::new));
    String qf = "%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{SOURCERPM}\\n";
    expected = lines(run("rpm", "--dbpath", db.toString(), "-qa", "--qf", qf));
    sqliteDb = db.resolve("rpmdb.sqlite");
    expectedFiles = new java.util.HashSet<>();
    String filesQf =
        "%{NAME} %|FILEDIGESTALGO?{%{FILEDIGESTALGO}}:{1}|\\n[%{FILENAMES} %{FILEDIGESTS}\\n]";
    String pkg = null;
    String algo = null;
    for (String line : run("rpm", "--dbpath", db.toString(), "-qa", "--qf", filesQf).split("\n")) {
      String[] f = line.strip().split(" ");
      if (!line.startsWith("/")) {
        pkg = f[0];
        algo = RpmHeader.algorithmName(Integer.valueOf(f[1]));
      } else if (f.length == 2) {
        expectedFiles.add(new InstalledFile(f[0].substring(1), pkg, algo + ":" + f[1]));
      }
    }

    Map<Integer, byte[]> blobs = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqliteDb);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT hnum, blob FROM Packages ORDER BY hnum")) {
      while (rs.next()) {
        blobs.put(rs.getInt(1), rs.getBytes(2));
      }
    }
    if (has("db5.3_load", "-V")) {
      Path bdbDir = work.resolve("bdb");
      Files.createDirectories(bdbDir);
      StringBuilder dump =
          new StringBuilder(
              "VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\nHEADER=END\n");
      for (Map.Entry<Integer, byte[]> e : blobs.entrySet()) {
        byte[] key =
            ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(e.getKey()).array();
        dump.append(' ').append(HexFormat.of().formatHex(key)).append('\n');
        dump.append(' ').append(HexFormat.of().formatHex(e.getValue())).append('\n');
      }
      dump.append("DATA=END\n");
      Path dumpFile = work.resolve("packages.dump");
      Files.writeString(dumpFile, dump);
      run("db5.3_load", "-f", dumpFile.toString(), bdbDir.resolve("Packages").toString());
      // rpm itself must read the BerkeleyDB file as the same database
      assertThat(
              lines(
                  run(
                      "rpm",
                      "--dbpath",
                      bdbDir.toString(),
                      "--define",
                      "_db_backend bdb_ro",
                      "-qa",
                      "--qf",
                      qf)))
          .isEqualTo(expected);
      bdbDb = bdbDir.resolve("Packages");
    }
    ndbDb = ndb(new ArrayList<>(blobs.values()));
  }

  @Test
  void sqliteDatabaseEqualsRpmQa() throws IOException {
    AnalysisResult result =
        FixtureInput.of("var/lib/rpm/rpmdb.sqlite", sqliteDb).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(lines(result)).isEqualTo(expected);
    Package alpha = byName(result, "sekisho-alpha");
    assertThat(alpha.version()).isEqualTo("2:1.0-3.fc40");
    assertThat(alpha.sourceName()).isEqualTo("sekisho-alpha");
    assertThat(alpha.sourceVersion()).isEqualTo("2:1.0-3.fc40");
    assertThat(alpha.licenses()).containsExactly("MIT");
    assertThat(alpha.purl())
        .isEqualTo(
            "pkg:rpm/sekisho-alpha@1.0-3.fc40?arch=noarch&epoch=2&upstream=sekisho-alpha-1.0-3.fc40.src.rpm");
    assertThat(((PackageMetadata.Rpm) byName(result, "sekisho-gamma").metadata()).modularityLabel())
        .isEqualTo("nodejs:18:9040020240105:rhel9");
  }

  @Test
  void installedFilesAndDigestsEqualRpmQuery() throws IOException {
    AnalysisResult sqlite =
        FixtureInput.of("var/lib/rpm/rpmdb.sqlite", sqliteDb).analyzeWith(analyzer);
    assertThat(Set.copyOf(sqlite.installedFiles())).isEqualTo(expectedFiles);
    assertThat(expectedFiles)
        .extracting(InstalledFile::digest)
        .anySatisfy(d -> assertThat(d).startsWith("md5:"))
        .anySatisfy(d -> assertThat(d).startsWith("sha256:"));
    assertThat(expectedFiles)
        .extracting(InstalledFile::path)
        .contains("usr/share/sekisho-delta/test-key.pem", "etc/sekisho-epsilon/app.conf")
        .doesNotContain("usr/share/sekisho-delta/link.pem", "usr/share/sekisho-delta");
    AnalysisResult ndb =
        FixtureInput.of("usr/lib/sysimage/rpm/Packages.db", ndbDb).analyzeWith(analyzer);
    assertThat(Set.copyOf(ndb.installedFiles())).isEqualTo(expectedFiles);
    if (bdbDb != null) {
      AnalysisResult bdb = FixtureInput.of("var/lib/rpm/Packages", bdbDb).analyzeWith(analyzer);
      assertThat(Set.copyOf(bdb.installedFiles())).isEqualTo(expectedFiles);
    }
  }

  /**
   * A secret in a file an rpm package installed is the package's while the file matches the digest
   * in the rpm header (SHA-256 or MD5), and the image's once changed after installation.
   */
  @Test
  void secretsInPackageFilesAsInstalledAreDropped() throws IOException {
    List<InstalledFile> installed =
        FixtureInput.of("var/lib/rpm/rpmdb.sqlite", sqliteDb)
            .analyzeWith(analyzer)
            .installedFiles();
    SecretAnalyzer secrets = new SecretAnalyzer();
    List<SecretFinding> found = new ArrayList<>();
    for (String pkg : List.of("sekisho-delta", "sekisho-epsilon")) {
      found.addAll(
          FixtureInput.of("usr/share/" + pkg + "/test-key.pem", KEY.getBytes(UTF_8))
              .analyzeWith(secrets)
              .secrets());
    }
    assertThat(found).hasSize(2);
    assertThat(InstalledFiles.settle(found, installed)).isEmpty();

    String changed = CONF + "password = q7Rz2LmX9vKd4TpW8sYb3NcF\n";
    List<SecretFinding> edited =
        FixtureInput.of("etc/sekisho-delta/app.conf", changed.getBytes(UTF_8))
            .analyzeWith(secrets)
            .secrets();
    assertThat(edited).hasSize(1);
    assertThat(InstalledFiles.settle(edited, installed))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.title())
                    .endsWith("(in a file of package sekisho-delta, changed after installation)"));
    List<SecretFinding> replacedKey =
        FixtureInput.of(
                "usr/share/sekisho-epsilon/test-key.pem",
                KEY.replace("MIIEpAIB", "MIIEpAIC").getBytes(UTF_8))
            .analyzeWith(secrets)
            .secrets();
    assertThat(InstalledFiles.settle(replacedKey, installed))
        .singleElement()
        .satisfies(f -> assertThat(f.title()).contains("sekisho-epsilon, changed after"));
  }

  @Test
  void berkeleyDbEqualsRpmQa() throws IOException {
    assumeTrue(bdbDb != null, "db5.3-util (db5.3_load) not installed: no BerkeleyDB file to read");
    AnalysisResult result = FixtureInput.of("var/lib/rpm/Packages", bdbDb).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(lines(result)).isEqualTo(expected);
  }

  @Test
  void ndbEqualsRpmQa() throws IOException {
    AnalysisResult result =
        FixtureInput.of("usr/lib/sysimage/rpm/Packages.db", ndbDb).analyzeWith(analyzer);
    assertThat(result.warnings()).isEmpty();
    assertThat(lines(result)).isEqualTo(expected);
  }

  @Test
  void truncatedDatabasesWarnWithFileAndLayer() throws IOException {
    byte[] sqlite = Files.readAllBytes(sqliteDb);
    List<FixtureInput> inputs = new ArrayList<>();
    inputs.add(FixtureInput.of("var/lib/rpm/rpmdb.sqlite", Arrays.copyOf(sqlite, 4096)));
    inputs.add(
        FixtureInput.of("var/lib/rpm/Packages.db", Arrays.copyOf(ndbDb, ndbDb.length - 100)));
    if (bdbDb != null) {
      byte[] bdb = Files.readAllBytes(bdbDb);
      inputs.add(FixtureInput.of("var/lib/rpm/Packages", Arrays.copyOf(bdb, bdb.length - 4096)));
    }
    for (FixtureInput input : inputs) {
      AnalysisResult result = input.analyzeWith(analyzer);
      assertThat(result.warnings())
          .as(input.path())
          .isNotEmpty()
          .allSatisfy(
              w ->
                  assertThat(w.message())
                      .startsWith(
                          "cannot parse "
                              + input.path()
                              + " in layer "
                              + FixtureInput.LAYER
                              + ": "));
      assertThat(result.packages().size()).isLessThan(expected.size());
    }
  }

  @Test
  void sourceRpmNames() {
    assertThat(RpmAnalyzer.splitSourceRpm("bash-5.1.8-9.el9.src.rpm"))
        .containsExactly("bash", "5.1.8-9.el9");
    assertThat(RpmAnalyzer.splitSourceRpm("python3.11-3.11.5-1.el9_3.src.rpm"))
        .containsExactly("python3.11", "3.11.5-1.el9_3");
    assertThat(RpmAnalyzer.splitSourceRpm("(none)")).isNull();
  }

  /** NDB as rpmpkg.c lays it out: header, one slot page, blobs in 16-byte blocks after it. */
  private static byte[] ndb(List<byte[]> blobs) {
    int slotPageBytes = 4096;
    List<byte[]> blocks = new ArrayList<>();
    ByteBuffer slots = ByteBuffer.allocate(slotPageBytes).order(ByteOrder.LITTLE_ENDIAN);
    slots.putInt('R' | 'p' << 8 | 'm' << 16 | 'P' << 24).putInt(0).putInt(1).putInt(1);
    slots.position(32);
    long blk = slotPageBytes / 16;
    int idx = 1;
    for (byte[] blob : blobs) {
      int total = 16 + blob.length + 16;
      int count = (total + 15) / 16;
      ByteBuffer b = ByteBuffer.allocate(count * 16).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt('B' | 'l' << 8 | 'b' << 16 | 'S' << 24).putInt(idx).putInt(1).putInt(blob.length);
      b.put(blob);
      blocks.add(b.array());
      slots
          .putInt('S' | 'l' << 8 | 'o' << 16 | 't' << 24)
          .putInt(idx)
          .putInt((int) blk)
          .putInt(count);
      blk += count;
      idx++;
    }
    while (slots.remaining() >= 16) {
      slots.putInt('S' | 'l' << 8 | 'o' << 16 | 't' << 24).putInt(0).putInt(0).putInt(0);
    }
    ByteBuffer out = ByteBuffer.allocate((int) (blk * 16));
    out.put(slots.array());
    blocks.forEach(out::put);
    return out.array();
  }

  private static Package byName(AnalysisResult r, String name) {
    return r.packages().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  private static Set<String> lines(AnalysisResult r) {
    return r.packages().stream()
        .map(
            p ->
                p.name()
                    + " "
                    + p.version()
                    + " "
                    + ((PackageMetadata.Rpm) p.metadata()).sourceRpm())
        .collect(Collectors.toSet());
  }

  private static Set<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toSet());
  }

  private static void spec(
      Path top,
      String name,
      String epoch,
      String version,
      String release,
      String license,
      String define)
      throws Exception {
    Path spec = top.resolve("SPECS").resolve(name + ".spec");
    Files.writeString(
        spec,
        "Name: "
            + name
            + "\n"
            + epoch
            + "Version: "
            + version
            + "\nRelease: "
            + release
            + "\nSummary: Sekisho test package\nLicense: "
            + license
            + "\nBuildArch: noarch\n\n%description\nA package with no files, for rpmdb tests.\n\n%files\n");
    List<String> cmd = new ArrayList<>(List.of("rpmbuild", "--define", "_topdir " + top, "-bb"));
    if (!define.isEmpty()) {
      String[] kv = define.substring("--define=".length()).split(" ", 2);
      cmd.add("--define");
      cmd.add(kv[0] + " " + kv[1]);
    }
    cmd.add(spec.toString());
    run(cmd.toArray(String[]::new));
  }

  /**
   * A package with a key file, a link to it and a %config file; digestAlgo "" for rpm's default.
   */
  private static void specWithFiles(Path top, String name, String digestAlgo) throws Exception {
    Path spec = top.resolve("SPECS").resolve(name + ".spec");
    Files.writeString(
        spec,
        "Name: "
            + name
            + "\nVersion: 1.0\nRelease: 1\nSummary: Sekisho test package\nLicense: MIT\n"
            + "BuildArch: noarch\n\n%description\nA package with files.\n\n%install\n"
            + "mkdir -p %{buildroot}/usr/share/NAME %{buildroot}/etc/NAME\n"
            + "cp WORK/key.pem %{buildroot}/usr/share/NAME/test-key.pem\n"
            + "cp WORK/app.conf %{buildroot}/etc/NAME/app.conf\n"
            + "ln -s test-key.pem %{buildroot}/usr/share/NAME/link.pem\n\n"
            + "%files\n/usr/share/NAME\n%config /etc/NAME/app.conf\n");
    Files.writeString(
        spec, Files.readString(spec).replace("NAME", name).replace("WORK", work.toString()));
    List<String> cmd = new ArrayList<>(List.of("rpmbuild", "--define", "_topdir " + top));
    if (!digestAlgo.isEmpty()) {
      cmd.addAll(List.of("--define", "_binary_filedigest_algorithm " + digestAlgo));
    }
    cmd.addAll(List.of("-bb", spec.toString()));
    run(cmd.toArray(String[]::new));
  }

  private static boolean has(String... command) {
    try {
      return ChildProcess.run(
                  new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(60))
              .exitCode()
          == 0;
    } catch (java.io.UncheckedIOException e) {
      return false;
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    pb.environment().put("HOME", work.toString());
    ChildProcess.Result r = ChildProcess.run(pb, Duration.ofMinutes(2));
    if (r.exitCode() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n" + r.stderr());
    }
    return r.stdout();
  }
}

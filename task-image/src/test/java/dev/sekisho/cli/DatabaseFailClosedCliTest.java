package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.testing.OciLayoutBuilder;
import dev.sekisho.scanner.testing.TarBuilder;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sekisho db import} of something that is not OSV data, or that would leave a much smaller
 * database, fails with exit 2 and leaves the database as it was, so a later {@code scan --offline
 * --fail-on high} still finds what it found before; an inconsistent database fails the scan with
 * exit 3. And the air-gapped path of the admin guide, command by command.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatabaseFailClosedCliTest {

  private static final String HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";

  @TempDir static Path work;
  static String image;
  static byte[] alpineZip;
  static Map<String, String> env;

  /** An Alpine 3.20 image with zlib 1.3.1-r0, and OSV data where that zlib has a High CVE. */
  @BeforeAll
  static void imageAndData() throws Exception {
    OciLayoutBuilder oci = new OciLayoutBuilder(work.resolve("layout"));
    OciLayoutBuilder.LayerBlob layer =
        oci.layer(
            new TarBuilder()
                .file(
                    "etc/os-release",
                    "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n"
                        + "PRETTY_NAME=\"Alpine Linux v3.20\"\n")
                .file("lib/apk/db/installed", "C:Q1abc=\nP:zlib\nV:1.3.1-r0\nA:x86_64\no:zlib\n\n")
                .tar(),
            "ADD alpine-minirootfs");
    oci.tag(oci.image(OciLayoutBuilder.object(), List.of(layer), null, "amd64"), "t");
    image = "oci:" + oci.finish() + ":t";
    List<OsvFixtures.Rec> recs = new ArrayList<>();
    recs.add(
        rec("ALPINE-CVE-2099-1111")
            .aliases("CVE-2099-1111")
            .cvss(HIGH)
            .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.2-r0"), null));
    for (String pkg : List.of("busybox", "musl", "openssl")) {
      recs.add(
          rec("ALPINE-CVE-2099-" + pkg)
              .affected("Alpine:v3.20", pkg, List.of("i:0", "f:99-r0"), null));
    }
    alpineZip = OsvFixtures.zip(recs, Map.of());
    env = Map.of("HOME", work.resolve("home").toString());
  }

  /** A database of the four Alpine advisories in a directory of its own. */
  private static Path goodDatabase(String name) throws Exception {
    Path zip = work.resolve(name + "-Alpine-all.zip");
    Files.write(zip, alpineZip);
    Path db = work.resolve(name);
    CliRun r = CliRun.run(env, "db", "import", "--db", db.toString(), zip.toString());
    assertThat(r.exitCode()).as(r.all()).isZero();
    return db;
  }

  private static CliRun scan(Path db) {
    return CliRun.run(env, "scan", "--db", db.toString(), "--offline", "--fail-on", "high", image);
  }

  private static void assertImportFailsAndTheGateHolds(String name, Path source, String message)
      throws Exception {
    Path db = goodDatabase(name);
    CliRun imported = CliRun.run(env, "db", "import", "--db", db.toString(), source.toString());

    assertThat(imported.exitCode()).as(imported.all()).isEqualTo(2);
    assertThat(imported.err())
        .contains(source.toString())
        .contains(message)
        .doesNotContain("\tat ");
    CliRun info = CliRun.run(env, "db", "info", "--db", db.toString());
    assertThat(info.out()).contains("advisories:      4");
    CliRun scanned = scan(db);
    assertThat(scanned.exitCode()).as(scanned.all()).isEqualTo(1);
    assertThat(scanned.all()).contains("CVE-2099-1111");
  }

  @Test
  void aZipOfJsonThatIsNotOsv() throws Exception {
    Path zip = work.resolve("npm-packages.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(),
            Map.of("package.json", "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8))));
    assertImportFailsAndTheGateHolds("db-not-osv", zip, "holds no OSV records");
  }

  @Test
  void anOsvRecordWithoutAffected() throws Exception {
    Path json = work.resolve("GHSA-none.json");
    Files.writeString(json, "{\"id\":\"GHSA-none\",\"summary\":\"nothing affected\"}");
    assertImportFailsAndTheGateHolds("db-no-affected", json, "holds no OSV records");
  }

  @Test
  void anEmptyZip() throws Exception {
    Path zip = work.resolve("empty.zip");
    Files.write(zip, OsvFixtures.zip(List.of(), Map.of()));
    assertImportFailsAndTheGateHolds("db-empty-zip", zip, "holds no OSV records");
  }

  @Test
  void anEmptyDirectory() throws Exception {
    Path dir = Files.createDirectories(work.resolve("empty-dir"));
    assertImportFailsAndTheGateHolds("db-empty-dir", dir, "holds no OSV records");
  }

  @Test
  void aDirectoryHoldingACompiledDatabase() throws Exception {
    Path other = goodDatabase("db-other");
    assertImportFailsAndTheGateHolds(
        "db-compiled", other, "is a Sekisho database directory (it holds vulndb.sqlite)");
  }

  @Test
  void aMuchSmallerDatabaseNeedsAllowShrink() throws Exception {
    Path one = work.resolve("ALPINE-one.json");
    Files.write(
        one, rec("ALPINE-CVE-2099-2").affected("Alpine:v3.20", "tar", List.of("i:0"), null).json());
    assertImportFailsAndTheGateHolds(
        "db-shrink", one, "would hold 1 advisories, fewer than half of the 4");

    Path db = work.resolve("db-shrink");
    CliRun allowed =
        CliRun.run(env, "db", "import", "--db", db.toString(), "--allow-shrink", one.toString());
    assertThat(allowed.exitCode()).as(allowed.all()).isZero();
    assertThat(allowed.out()).contains("advisories:      1");
  }

  @Test
  void anInconsistentDatabaseFailsTheScanNamingTheFile() throws Exception {
    Path db = goodDatabase("db-inconsistent");
    Path file = db.resolve("vulndb.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM affected");
    }
    CliRun scanned = scan(db);
    assertThat(scanned.exitCode()).as(scanned.all()).isEqualTo(3);
    assertThat(scanned.err())
        .contains(file.toString())
        .contains("is inconsistent")
        .contains("affected table holds 0");
  }

  /**
   * The {@code sekisho} commands of docs/admin-guide.md's "Air-gapped clusters" section, read from
   * the page: the first block where the sources are reachable, the second in the air-gapped
   * environment (each with a database directory of its own), with the mirror URL, the bundle file
   * and the image replaced by the test's.
   */
  private static List<List<String>> airGappedCommands() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(dir.resolve("docs/admin-guide.md"))) {
      dir = dir.getParent();
      assertThat(dir).as("the repository root, above the working directory").isNotNull();
    }
    String page = Files.readString(dir.resolve("docs/admin-guide.md"));
    String section = page.substring(page.indexOf("### Air-gapped clusters"));
    section = section.substring(0, section.indexOf("\n#", 1));
    List<List<String>> blocks = new ArrayList<>();
    for (String block : section.split("```sh\n")) {
      if (blocks.size() < 2 && block.contains("```")) {
        List<String> lines =
            block.substring(0, block.indexOf("```")).lines().map(String::strip).toList();
        if (!lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith("sekisho "))) {
          blocks.add(lines);
        }
      }
    }
    assertThat(blocks).as("two blocks of sekisho commands in the section").hasSize(2);
    return blocks;
  }

  private static CliRun runDocumented(String line, Map<String, String> replacements) {
    List<String> args = new ArrayList<>();
    for (String word : line.substring("sekisho ".length()).split("\\s+")) {
      args.add(replacements.getOrDefault(word, word));
    }
    return CliRun.run(env, args.toArray(String[]::new));
  }

  @Test
  void theAirGappedCommandsOfTheAdminGuide() throws Exception {
    List<List<String>> blocks = airGappedCommands();
    assertThat(String.join("\n", blocks.get(0)))
        .contains("sekisho db update --db ./sekisho-db")
        .contains("sekisho db bundle --db ./sekisho-db --output sekisho-db-bundle.zip");
    assertThat(String.join("\n", blocks.get(1)))
        .contains("sekisho db import --db ./sekisho-db sekisho-db-bundle.zip")
        .contains("sekisho scan --db ./sekisho-db --offline --fail-on high IMAGE");
    try (OsvFixtures.FileServer mirror = new OsvFixtures.FileServer()) {
      mirror.put("/Alpine/all.zip", alpineZip);
      Path bundle = work.resolve("sekisho-db-bundle.zip");
      Map<String, String> common =
          Map.of(
              "https://osv-mirror.example.com", mirror.base().toString(),
              "sekisho-db-bundle.zip", bundle.toString(),
              "IMAGE", image);

      // where the sources are reachable
      Map<String, String> connected = new java.util.HashMap<>(common);
      connected.put("./sekisho-db", work.resolve("connected-db").toString());
      for (String line : blocks.get(0)) {
        CliRun r = runDocumented(line, connected);
        assertThat(r.exitCode()).as(line + "\n" + r.all()).isZero();
      }
      assertThat(bundle).isRegularFile();

      // in the air-gapped environment
      Map<String, String> airGapped = new java.util.HashMap<>(common);
      airGapped.put("./sekisho-db", work.resolve("air-gapped-db").toString());
      List<CliRun> runs = new ArrayList<>();
      for (String line : blocks.get(1)) {
        runs.add(runDocumented(line, airGapped));
      }
      assertThat(runs.get(0).exitCode()).as(runs.get(0).all()).isZero();
      assertThat(runs.get(0).out()).contains("advisories:      4");
      CliRun scanned = runs.get(1);
      assertThat(scanned.exitCode())
          .as("the gate fails on the High CVE\n" + scanned.all())
          .isEqualTo(1);
      assertThat(scanned.all()).contains("CVE-2099-1111");
    }
  }
}

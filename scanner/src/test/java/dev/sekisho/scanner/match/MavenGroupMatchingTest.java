package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.java.JavaArchiveAnalyzer;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.ScannerMetadata;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.report.ReportInput;
import dev.sekisho.scanner.report.SampleReports;
import dev.sekisho.scanner.report.cyclonedx.CycloneDxReportWriter;
import dev.sekisho.scanner.report.json.JsonReportWriter;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java archives without a declared group, read by the analyzer and matched against a database built
 * from OSV records: the group is inferred from the database's Maven names, and said to be.
 */
class MavenGroupMatchingTest {

  @TempDir Path dir;

  private VulnDatabase build() throws Exception {
    Path zip = dir.resolve("osv.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                rec("GHSA-59j4-wjwp-mw9m")
                    .aliases("CVE-2020-13936")
                    .affected(
                        "Maven", "org.apache.velocity:velocity", List.of("i:0", "l:1.7"), null)
                    .affected(
                        "Maven",
                        "org.apache.velocity:velocity-engine-core",
                        List.of("i:0", "f:2.3"),
                        null),
                rec("GHSA-test-json-a")
                    .affected("Maven", "com.example.a:json", List.of("i:0", "f:2.0"), null),
                rec("GHSA-test-json-b")
                    .affected("Maven", "com.example.b:json", List.of("i:0", "f:2.0"), null),
                rec("GHSA-test-widget")
                    .affected("Maven", "com.example.widget:widget", List.of("i:0", "f:2.0"), null)
                    .affected("Maven", "com.example.tools:widget", List.of("i:0", "f:2.0"), null),
                rec("GHSA-test-npm").affected("npm", "velocity", List.of("i:0"), null)),
            Map.of()));
    Path db = dir.resolve("db");
    new DatabaseUpdater().update(SourcesConfig.local(List.of(zip)), db, line -> {});
    return VulnDatabase.open(db);
  }

  /** The packages the analyzer reads from a jar at {@code path} with these entries. */
  private static List<Package> jar(String path, Map<String, String> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return FixtureInput.of(path, out.toByteArray())
        .analyzeWith(new JavaArchiveAnalyzer())
        .packages();
  }

  /** velocity-1.7.jar as Ant built it: no pom.properties, vendor id org.apache. */
  private static List<Package> velocity() throws IOException {
    return jar(
        "usr/share/maven/lib/velocity-1.7.jar",
        Map.of(
            "META-INF/MANIFEST.MF",
            "Manifest-Version: 1.0\nImplementation-Title: org.apache.velocity\n"
                + "Implementation-Vendor-Id: org.apache\nImplementation-Version: 1.7\n"));
  }

  @Test
  void groupLessVelocityGetsTheAdvisoryOfItsOnlyGroupInTheDatabase() throws Exception {
    List<Package> installed = velocity();
    assertThat(installed).extracting(Package::name).containsExactly("org.apache:velocity");
    try (VulnDatabase db = build()) {
      List<Vulnerability> found = new VulnerabilityMatcher(db).match(null, installed);
      assertThat(found).extracting(Vulnerability::id).containsExactly("CVE-2020-13936");
      Package p = found.getFirst().pkg();
      assertThat(p.name()).isEqualTo("org.apache.velocity:velocity");
      assertThat(p.version()).isEqualTo("1.7");
      assertThat(p.purl()).isEqualTo("pkg:maven/org.apache.velocity/velocity@1.7");
      assertThat(p.location()).isEqualTo(installed.getFirst().location());
      PackageMetadata.Java java = (PackageMetadata.Java) p.metadata();
      assertThat(java.groupInference()).isEqualTo(MavenGroupInference.ONLY_GROUP);
      assertThat(java.vendorId()).as("the evidence stays").isEqualTo("org.apache");

      // the reports say the group was inferred and keep the inventory as read
      ScanReport report =
          new ScanReport(
              SampleReports.empty().image(),
              null,
              installed,
              found,
              List.of(),
              List.of(),
              List.of(),
              new ScannerMetadata("0.1.0", null, null, Instant.parse("2026-12-01T00:00:00Z")));
      ObjectMapper json = new ObjectMapper();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new JsonReportWriter().write(new ReportInput(report), out);
      JsonNode tree = json.readTree(out.toByteArray());
      JsonNode pkg = tree.path("vulnerabilities").get(0).path("pkg");
      assertThat(pkg.path("name").asText()).isEqualTo("org.apache.velocity:velocity");
      assertThat(pkg.path("groupInference").asText()).isEqualTo("only-group-in-database");
      assertThat(tree.path("packages").get(0).path("name").asText())
          .isEqualTo("org.apache:velocity");
      assertThat(tree.path("packages").get(0).has("groupInference")).isFalse();

      out.reset();
      new CycloneDxReportWriter().write(new ReportInput(report), out);
      JsonNode bom = json.readTree(out.toByteArray());
      List<String> refs = new ArrayList<>();
      bom.path("components").forEach(c -> refs.add(c.path("bom-ref").asText()));
      assertThat(refs).as("the finding points at the archive's component, not a copy").hasSize(1);
      assertThat(bom.path("vulnerabilities").get(0).path("affects").get(0).path("ref").asText())
          .isEqualTo(refs.getFirst());
    }
  }

  @Test
  void aDeclaredGroupIsNeverReplaced() throws Exception {
    // a shaded jar: its pom.properties declare another group for an artifactId the database knows
    List<Package> shaded =
        jar(
            "app/all.jar",
            Map.of(
                "META-INF/maven/org.other/velocity/pom.properties",
                "groupId=org.other\nartifactId=velocity\nversion=1.7\n",
                "META-INF/maven/com.example.a/json/pom.properties",
                "groupId=com.example.a\nartifactId=json\nversion=1.0\n"));
    try (VulnDatabase db = build()) {
      assertThat(new VulnerabilityMatcher(db).match(null, shaded))
          .extracting(v -> v.pkg().name() + " " + v.id())
          .containsExactly("com.example.a:json GHSA-test-json-a");
    }
  }

  @Test
  void ambiguousGroupsAreResolvedByTheManifestOrNotAtAll() throws Exception {
    List<Package> installed = new ArrayList<>();
    installed.addAll(jar("lib/json-1.0.jar", Map.of("a/A.class", "x")));
    installed.addAll(
        jar(
            "lib/widget-1.0.jar",
            Map.of(
                "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\nBundle-SymbolicName: com.example.widget.core\n")));
    try (VulnDatabase db = build()) {
      List<Vulnerability> found = new VulnerabilityMatcher(db).match(null, installed);
      assertThat(found)
          .extracting(
              v ->
                  v.pkg().name()
                      + " "
                      + v.id()
                      + " "
                      + ((PackageMetadata.Java) v.pkg().metadata()).groupInference())
          .as("json: two groups and nothing to choose by, so no finding")
          .containsExactly(
              "com.example.widget:widget GHSA-test-widget " + MavenGroupInference.SYMBOLIC_NAME);
    }
  }

  @Test
  void databaseListsMavenGroupsByArtifactId() throws Exception {
    try (VulnDatabase db = build()) {
      assertThat(db.mavenGroups(List.of("velocity", "json", "widget", "nothing")))
          .containsOnlyKeys("velocity", "json", "widget")
          .satisfies(
              m -> {
                assertThat(m.get("velocity")).containsExactly("org.apache.velocity");
                assertThat(m.get("json")).containsExactly("com.example.a", "com.example.b");
                assertThat(m.get("widget"))
                    .containsExactly("com.example.tools", "com.example.widget");
              });
    }
  }
}

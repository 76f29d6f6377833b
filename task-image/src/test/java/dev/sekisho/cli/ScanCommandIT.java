package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.report.sarif.SarifSchema;
import dev.sekisho.scanner.vulndb.DatabaseFixtures;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import dev.sekisho.testkit.fixtures.FixtureBuild;
import dev.sekisho.testkit.fixtures.FixtureImage;
import dev.sekisho.testkit.fixtures.Fixtures;
import dev.sekisho.testkit.fixtures.MisconfiguredFixture;
import dev.sekisho.testkit.net.RefusedPort;
import dev.sekisho.testkit.registry.PushedImage;
import dev.sekisho.testkit.registry.RegistryAuth;
import dev.sekisho.testkit.registry.RegistryTest;
import dev.sekisho.testkit.registry.TestCertificates;
import dev.sekisho.testkit.registry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs `sekisho scan` (in-process, captured streams) against the fixture images from the real test
 * registry, OCI layouts and docker archives, with a database compiled by `sekisho db import` from a
 * generated OSV archive, and checks exit codes and every report format.
 */
@RegistryTest
class ScanCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  static Path db;
  static Map<String, String> env;

  /** Alpine 3.20 advisories: zlib and busybox affected, musl fixed at its installed version. */
  private static List<OsvFixtures.Rec> advisories() {
    return List.of(
        rec("ALPINE-CVE-2099-1001")
            .upstream("CVE-2099-1001")
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")
            .affected("Alpine:v3.20", "zlib", List.of("i:0", "f:1.3.1-r2"), null),
        rec("ALPINE-CVE-2099-1002")
            .upstream("CVE-2099-1002")
            .cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
            .affected("Alpine:v3.20", "busybox", List.of("i:0", "f:1.36.1-r29"), null),
        rec("ALPINE-CVE-2099-1003")
            .upstream("CVE-2099-1003")
            .affected("Alpine:v3.20", "musl", List.of("i:0", "f:1.2.5-r0"), null));
  }

  @BeforeAll
  static void importDatabase() throws Exception {
    Path archive = work.resolve("Alpine-all.zip");
    Files.write(archive, OsvFixtures.zip(advisories(), Map.of()));
    db = work.resolve("db");
    env = Map.of("HOME", work.resolve("home").toString());
    CliRun r = CliRun.run(env, "db", "import", "--db", db.toString(), archive.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("advisories:      3");
  }

  private static CliRun scan(String... args) {
    List<String> all = new ArrayList<>(List.of("scan", "--db", db.toString(), "--offline"));
    all.addAll(List.of(args));
    return CliRun.run(env, all.toArray(String[]::new));
  }

  static Stream<Arguments> alpineTargets() {
    return Stream.of(Arguments.of("oci"), Arguments.of("docker-archive"), Arguments.of("registry"));
  }

  private static String target(String kind, FixtureBuild fixture, TestRegistry registry) {
    return switch (kind) {
      case "oci" -> fixture.ociReference();
      case "docker-archive" -> "docker-archive:" + fixture.dockerArchive();
      default -> registry.push(fixture).tagReference();
    };
  }

  @ParameterizedTest
  @MethodSource("alpineTargets")
  void vulnerableImageFailsOnlyWithAPolicy(String kind, Fixtures fixtures, TestRegistry registry)
      throws Exception {
    FixtureBuild alpine = fixtures.get(FixtureImage.ALPINE);
    String target = target(kind, alpine, registry);
    String insecure = "--insecure-registry=" + registry.hostPort();

    CliRun noPolicy = scan(insecure, "--format", "json", target);
    assertThat(noPolicy.exitCode()).as(noPolicy.err()).isZero();
    JsonNode report = JSON.readTree(noPolicy.out());
    assertThat(report.path("schemaVersion").asText()).isEqualTo("sekisho.dev/report/v1");
    List<String> found = new ArrayList<>();
    for (JsonNode v : report.path("vulnerabilities")) {
      found.add(v.path("pkg").path("name").asText() + " " + v.path("id").asText());
    }
    assertThat(found).containsExactly("busybox CVE-2099-1002", "zlib CVE-2099-1001");
    assertThat(report.path("vulnerabilities").get(1).path("fixedVersions").get(0).asText())
        .isEqualTo("1.3.1-r2");
    assertThat(noPolicy.err()).contains("sekisho: ").contains("critical=1 high=1");

    CliRun failOn = scan(insecure, "--fail-on", "high", target);
    assertThat(failOn.exitCode()).as(failOn.err()).isEqualTo(1);
    assertThat(failOn.out()).contains("CRITICAL (1)", "HIGH (1)", "1.36.1-r29", "POLICY: FAIL");
    assertThat(failOn.err()).contains(" FAIL ", "violations=2", "policy=fail-on-high");

    CliRun critical = scan(insecure, "--fail-on", "critical", "--quiet", target);
    assertThat(critical.exitCode()).isEqualTo(1);
    assertThat(critical.err()).isEmpty();
  }

  @Test
  void platformAllScansEveryPlatformOfTheIndexIntoOneReportEach(
      Fixtures fixtures, TestRegistry registry) throws Exception {
    String target = registry.push(fixtures.get(FixtureImage.MULTI_PLATFORM)).tagReference();
    String insecure = "--insecure-registry=" + registry.hostPort();
    Path out = work.resolve("multi/report.json");
    Files.createDirectories(out.getParent());

    CliRun r =
        scan(insecure, "--platform", "all", "--format", "json", "--output", out.toString(), target);

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode amd64 = JSON.readTree(work.resolve("multi/report.linux-amd64.json").toFile());
    JsonNode arm64 = JSON.readTree(work.resolve("multi/report.linux-arm64-v8.json").toFile());
    assertThat(amd64.at("/artifact/platform").asText()).isEqualTo("linux/amd64");
    assertThat(arm64.at("/artifact/platform").asText()).isEqualTo("linux/arm64/v8");
    // each report names its platform's manifest, not the index
    assertThat(amd64.at("/artifact/digest").asText())
        .startsWith("sha256:")
        .isNotEqualTo(arm64.at("/artifact/digest").asText());
    assertThat(out).doesNotExist();
    assertThat(r.err()).contains("linux/amd64: ", "linux/arm64/v8: ");

    CliRun table = scan(insecure, "--platform", "all", target);
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).contains("== linux/amd64 ==", "== linux/arm64/v8 ==");

    CliRun stdoutJson = scan(insecure, "--platform", "all", "--format", "json", target);
    assertThat(stdoutJson.exitCode()).isEqualTo(2);
    assertThat(stdoutJson.err()).contains("one json report per platform");
  }

  @Test
  void exceptionsPassAndBecomeVexAnalyses(Fixtures fixtures) throws Exception {
    FixtureBuild alpine = fixtures.get(FixtureImage.ALPINE);
    Path policy = work.resolve("exceptions.yaml");
    Files.writeString(
        policy,
        """
        apiVersion: sekisho.dev/v1alpha1
        kind: ScanPolicy
        metadata:
          name: prod-strict
        spec:
          action: Enforce
          vulnerabilities:
            failOn: High
          exceptions:
            - id: CVE-2099-1002
              expires: "2099-01-01T00:00:00Z"
              reason: "code_not_reachable: busybox applets with the bug are removed"
            - id: CVE-2099-1001
              expires: "2099-01-01T00:00:00Z"
              reason: accepted until the zlib rebuild ships
        """);
    Path cdx = work.resolve("vex.cdx.json");
    CliRun r =
        scan("--policy", policy.toString(), "--report", "cyclonedx=" + cdx, alpine.ociReference());
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.err()).contains(" PASS ", "violations=0");
    String bom = Files.readString(cdx);
    assertThat(new JsonParser().validate(bom, Version.VERSION_16)).isEmpty();
    JsonNode vulns = JSON.readTree(bom).path("vulnerabilities");
    assertThat(vulns).hasSize(2);
    JsonNode busybox = vulns.get(0);
    assertThat(busybox.path("id").asText()).isEqualTo("CVE-2099-1002");
    assertThat(busybox.path("analysis").path("state").asText()).isEqualTo("not_affected");
    assertThat(busybox.path("analysis").path("justification").asText())
        .isEqualTo("code_not_reachable");
    JsonNode zlib = vulns.get(1);
    assertThat(zlib.path("analysis").path("state").asText()).isEqualTo("exploitable");
    assertThat(zlib.path("analysis").path("response").get(0).asText()).isEqualTo("will_not_fix");
    assertThat(zlib.path("analysis").path("detail").asText())
        .contains("accepted until the zlib rebuild ships");
  }

  @Test
  void everyFormatIsWrittenAndValid(Fixtures fixtures) throws Exception {
    FixtureBuild alpine = fixtures.get(FixtureImage.ALPINE);
    Path dir = Files.createDirectories(work.resolve("formats"));
    CliRun r =
        scan(
            "--fail-on=critical",
            "--format=table",
            "--report",
            "json=" + dir.resolve("r.json"),
            "--report",
            "sarif=" + dir.resolve("r.sarif"),
            "--report",
            "cyclonedx=" + dir.resolve("r.cdx.json"),
            "--report",
            "html=" + dir.resolve("r.html"),
            "--report",
            "summary=" + dir.resolve("r.txt"),
            alpine.ociReference());
    assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).contains("CRITICAL (1)").doesNotContain("\u001b[");
    assertThat(SarifSchema.validate(Files.readString(dir.resolve("r.sarif")))).isEmpty();
    assertThat(
            new JsonParser()
                .validate(Files.readString(dir.resolve("r.cdx.json")), Version.VERSION_16))
        .isEmpty();
    JsonNode json = JSON.readTree(dir.resolve("r.json").toFile());
    assertThat(json.path("policy").path("verdict").asText()).isEqualTo("Fail");
    assertThat(json.path("artifact").path("os").path("family").asText()).isEqualTo("alpine");
    assertThat(Files.readString(dir.resolve("r.html"))).contains("<svg", "Fail", "zlib");
    assertThat(Files.readString(dir.resolve("r.txt"))).startsWith("sekisho: ").contains("FAIL");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"cyclonedx", "spdx"})
  void sbomTargetGivesTheSameFindings(String format, Fixtures fixtures) throws Exception {
    FixtureBuild alpine = fixtures.get(FixtureImage.ALPINE);
    Path sbom = work.resolve("alpine." + format + ".json");
    CliRun written =
        CliRun.run(env, "sbom", "--format", format, "-o", sbom.toString(), alpine.ociReference());
    assertThat(written.exitCode()).as(written.err()).isZero();
    if (format.equals("cyclonedx")) {
      assertThat(new JsonParser().validate(Files.readString(sbom), Version.VERSION_16)).isEmpty();
    } else {
      assertThat(JSON.readTree(sbom.toFile()).path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
    }
    CliRun r = scan("--format", "json", "--fail-on", "high", "sbom:" + sbom);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    List<String> found = new ArrayList<>();
    for (JsonNode v : JSON.readTree(r.out()).path("vulnerabilities")) {
      found.add(v.path("pkg").path("name").asText() + " " + v.path("id").asText());
    }
    assertThat(found).containsExactly("busybox CVE-2099-1002", "zlib CVE-2099-1001");
  }

  @Test
  void inputErrorsExitTwoWithOneLine() throws Exception {
    CliRun malformed = scan("docker://UPPER/Case:tag");
    assertThat(malformed.exitCode()).isEqualTo(2);
    assertThat(malformed.err()).startsWith("sekisho: error: invalid").contains("UPPER/Case");

    CliRun missing = scan("oci:" + work.resolve("nope") + ":1");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains(work.resolve("nope").toString()).doesNotContain("\tat ");

    CliRun noPolicy = scan("--policy", work.resolve("missing.yaml").toString(), "alpine:3.20");
    assertThat(noPolicy.exitCode()).isEqualTo(2);
    assertThat(noPolicy.err())
        .isEqualTo(
            "sekisho: error: policy file " + work.resolve("missing.yaml") + " does not exist\n");

    CliRun badFormat = scan("--format", "pdf", "alpine:3.20");
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("unknown report format 'pdf'");

    CliRun badSeverity = scan("--fail-on", "severe", "alpine:3.20");
    assertThat(badSeverity.exitCode()).isEqualTo(2);

    Path notSbom = Files.writeString(work.resolve("not-an-sbom.json"), "{\"hello\": 1}");
    CliRun badSbom = scan("sbom:" + notSbom);
    assertThat(badSbom.exitCode()).isEqualTo(2);
    assertThat(badSbom.err()).startsWith("sekisho: error: ").contains(notSbom.toString());
  }

  @Test
  void infrastructureErrorsExitThree() throws Exception {
    CliRun noDb =
        CliRun.run(
            env, "scan", "--db", work.resolve("empty-db").toString(), "--offline", "alpine:3.20");
    assertThat(noDb.exitCode()).isEqualTo(3);
    assertThat(noDb.err()).contains("no vulnerability database in", "--offline");

    try (RefusedPort refused = RefusedPort.open()) {
      int closedPort = refused.port();
      CliRun unreachable =
          scan(
              "--insecure-registry",
              "127.0.0.1:" + closedPort,
              "127.0.0.1:" + closedPort + "/nothing/here:1");
      assertThat(unreachable.exitCode()).as(unreachable.err()).isEqualTo(3);
      assertThat(unreachable.err()).startsWith("sekisho: error: ").doesNotContain("\tat ");
    }
  }

  @Test
  void aDatabaseOfAnotherSchemaIsAnInfrastructureErrorAfterTheImageIsRead(Fixtures fixtures)
      throws Exception {
    // the database opens while the image is read (SQLite's first connection is slow): its
    // failure still ends the scan with the database's own message
    Path old = Files.createDirectories(work.resolve("old-schema-db"));
    Files.copy(VulnDatabase.databaseFile(db), VulnDatabase.databaseFile(old));
    DatabaseFixtures.setSchemaVersion(old, 1);
    CliRun r =
        CliRun.run(
            env,
            "scan",
            "--db",
            old.toString(),
            "--offline",
            fixtures.get(FixtureImage.ALPINE).ociReference());
    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(r.err())
        .startsWith("sekisho: error: ")
        .contains("has schema version 1", "run `sekisho db update`")
        .doesNotContain("\tat ");
  }

  @Test
  void tlsRegistryOfAPrivateCaNeedsCaFile(Fixtures fixtures) throws Exception {
    TestCertificates certificates = TestCertificates.generate(work.resolve("tls"));
    try (TestRegistry registry = TestRegistry.startTls(RegistryAuth.ANONYMOUS, certificates)) {
      String target = registry.push(fixtures.get(FixtureImage.ALPINE)).tagReference();

      CliRun trusted =
          scan(
              "--ca-file",
              certificates.caCertificate().toString(),
              "--format",
              "json",
              "--quiet",
              target);
      CliRun untrusted = scan("--format", "json", target);

      assertThat(trusted.exitCode()).as(trusted.err()).isZero();
      List<String> found = new ArrayList<>();
      for (JsonNode v : JSON.readTree(trusted.out()).path("vulnerabilities")) {
        found.add(v.path("pkg").path("name").asText() + " " + v.path("id").asText());
      }
      assertThat(found).containsExactly("busybox CVE-2099-1002", "zlib CVE-2099-1001");
      assertThat(untrusted.exitCode()).as(untrusted.err()).isEqualTo(3);
      assertThat(untrusted.out()).isEmpty();
      assertThat(untrusted.err())
          .startsWith("sekisho: error: ")
          .contains("TLS certificate of " + registry.hostPort() + " is not trusted")
          .contains("--ca-file")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void plantedSecretIsFoundAndRedactedInEveryFormat(Fixtures fixtures, TestRegistry registry)
      throws Exception {
    FixtureBuild fixture = fixtures.get(FixtureImage.MISCONFIGURED);
    PushedImage pushed = registry.push(fixture);
    Path dir = Files.createDirectories(work.resolve("secrets"));
    List<String> outputs = new ArrayList<>();
    for (String format : List.of("table", "json", "sarif", "cyclonedx", "html", "summary")) {
      CliRun r =
          scan(
              "--insecure-registry",
              registry.hostPort(),
              "--format",
              format,
              "--report",
              format + "=" + dir.resolve("report." + format),
              pushed.tagReference());
      assertThat(r.exitCode()).as(r.all()).isZero();
      outputs.add(r.out());
      outputs.add(r.err());
      outputs.add(Files.readString(dir.resolve("report." + format)));
    }
    JsonNode json = JSON.readTree(Files.readString(dir.resolve("report.json")));
    List<String> secretFiles = new ArrayList<>();
    for (JsonNode s : json.path("secrets")) {
      secretFiles.add(s.path("location").path("path").asText());
    }
    assertThat(secretFiles).contains("/" + MisconfiguredFixture.AWS_CREDENTIALS_PATH);
    assertThat(json.path("misconfigurations").toString())
        .contains("config/root-user", "config/latest-tag");
    for (String out : outputs) {
      assertThat(out)
          .doesNotContain(MisconfiguredFixture.AWS_ACCESS_KEY_ID)
          .doesNotContain("changeme-fixture");
    }
    assertThat(SarifSchema.validate(Files.readString(dir.resolve("report.sarif")))).isEmpty();
  }
}

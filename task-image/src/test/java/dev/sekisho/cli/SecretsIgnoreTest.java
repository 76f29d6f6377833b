package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.testing.OciLayoutBuilder;
import dev.sekisho.scanner.testing.TarBuilder;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --secrets-ignore FILE} allows secret findings by fingerprint or path glob under the scan's
 * policies: allowed findings are still reported, marked allowed; an expired entry stops applying
 * and is reported as expired; a bad file is a usage error naming the file and line.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecretsIgnoreTest {
  /** Tokens of GitHub's classic form, generated for this test. */
  private static final String FIXTURE_TOKEN = "ghp_" + "Q7rT2xK9mW4pZ8vN3bL6cY1hJ5dF0gS2aE7u";

  private static final String APP_TOKEN = "ghp_" + "b8Kd3LmQ9zX2wR7tV4nP1sJ6hF0gC5yA3eU9";

  @TempDir static Path work;
  static Path db;
  static Path policy;
  static String target;
  static Map<String, String> env;

  @BeforeAll
  static void imageAndDatabase() throws Exception {
    OciLayoutBuilder oci = new OciLayoutBuilder(work.resolve("layout"));
    OciLayoutBuilder.LayerBlob layer =
        oci.layer(
            new TarBuilder()
                .file("srv/app/config.js", "const token = \"" + APP_TOKEN + "\";\n")
                .file("srv/app/testdata/client.js", "const t = \"" + FIXTURE_TOKEN + "\";\n")
                .tar(),
            "COPY app /srv/app");
    oci.tag(oci.image(OciLayoutBuilder.object(), List.of(layer), null, "amd64"), "t");
    target = "oci:" + oci.finish() + ":t";
    Path archive = work.resolve("Alpine-all.zip");
    Files.write(
        archive,
        OsvFixtures.zip(
            List.of(
                rec("ALPINE-CVE-2099-1").affected("Alpine:v3.20", "zlib", List.of("i:0"), null)),
            Map.of()));
    db = work.resolve("db");
    env = Map.of("HOME", work.resolve("home").toString());
    CliRun imported = CliRun.run(env, "db", "import", "--db", db.toString(), archive.toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    policy = work.resolve("policy.yaml");
    Files.writeString(
        policy,
        "apiVersion: sekisho.dev/v1alpha1\nkind: ScanPolicy\nmetadata: {name: no-secrets}\n"
            + "spec:\n  secrets: {forbid: true}\n");
  }

  @Test
  void allowsByPathAndFingerprintAndReportsAllowedAndExpired() throws Exception {
    Result plain = scan(null, 1);
    assertThat(plain.json.path("secrets")).hasSize(2);
    String appFingerprint = fingerprintOf(plain.json, "/srv/app/config.js");
    assertThat(appFingerprint).matches("[0-9a-f]{32}");

    Path byPath = ignoreFile("# fixtures\npath:srv/app/testdata/** reason=fixture tokens\n");
    Result one = scan(byPath, 1);
    assertThat(one.json.path("policy").path("violations")).hasSize(1);
    assertThat(exceptionOf(one.json, "/srv/app/testdata/client.js")).isEqualTo("fixture tokens");

    Path both =
        ignoreFile(
            "path:srv/app/testdata/** reason=fixture tokens\n"
                + appFingerprint
                + " expires=2999-01-01 reason=revoked token, kept for the demo\n");
    Result none = scan(both, 0);
    assertThat(none.json.path("secrets")).as("allowed findings stay listed").hasSize(2);
    assertThat(exceptionOf(none.json, "/srv/app/config.js"))
        .isEqualTo("revoked token, kept for the demo");

    Path expired =
        ignoreFile(
            "path:srv/app/testdata/**\n" + appFingerprint + " expires=2020-01-01 reason=old\n");
    Result again = scan(expired, 1);
    assertThat(again.json.path("policy").path("exceptions").toString())
        .contains("\"id\":\"fingerprint:" + appFingerprint + "\",\"expired\":true");
  }

  @Test
  void aBadIgnoreFileIsAUsageErrorNamingFileAndLine() throws Exception {
    Path bad = ignoreFile("# ok\nsrv/app/config.js:github-pat:1\n");
    CliRun r =
        CliRun.run(
            env,
            "scan",
            "--db",
            db.toString(),
            "--offline",
            "--policy",
            policy.toString(),
            "--secrets-ignore",
            bad.toString(),
            target);
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "secrets ignore file "
                + bad
                + " line 2: 'srv/app/config.js:github-pat:1' is neither a fingerprint");
  }

  private record Result(JsonNode json) {}

  private static Path ignoreFile(String text) throws Exception {
    Path file = Files.createTempFile(work, "ignore", "");
    Files.writeString(file, text);
    return file;
  }

  private static Result scan(Path ignore, int exitCode) throws Exception {
    Path report = Files.createTempFile(work, "report", ".json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "scan",
                "--db",
                db.toString(),
                "--offline",
                "--policy",
                policy.toString(),
                "--format",
                "json",
                "--output",
                report.toString()));
    if (ignore != null) {
      args.addAll(List.of("--secrets-ignore", ignore.toString()));
    }
    args.add(target);
    CliRun r = CliRun.run(env, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.all()).isEqualTo(exitCode);
    return new Result(new ObjectMapper().readTree(report.toFile()));
  }

  private static JsonNode secretAt(JsonNode report, String path) {
    for (JsonNode s : report.path("secrets")) {
      if (s.path("location").path("path").asText().equals(path)) {
        return s;
      }
    }
    throw new AssertionError("no secret at " + path + " in " + report.path("secrets"));
  }

  private static String fingerprintOf(JsonNode report, String path) {
    return secretAt(report, path).path("fingerprint").asText();
  }

  private static String exceptionOf(JsonNode report, String path) {
    return secretAt(report, path).path("exception").path("reason").asText(null);
  }
}

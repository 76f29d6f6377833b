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
 * {@code sekisho scan A B …} and {@code --targets-file}: every target is scanned in one process,
 * each gets its own reports, a target that cannot be read does not stop the others, and the exit
 * code is the highest of the targets' codes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiTargetScanTest {
  @TempDir static Path work;
  static Path db;
  static String rootImage;
  static String userImage;
  static String broken;
  static Map<String, String> env;

  @BeforeAll
  static void imagesAndDatabase() throws Exception {
    rootImage = image("root", null);
    userImage = image("user", "1000");
    Path empty = Files.createDirectories(work.resolve("not-a-layout"));
    broken = "oci:" + empty; // exists, so it passes the checks before scanning; reading fails

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
  }

  private static String image(String name, String user) throws Exception {
    OciLayoutBuilder oci = new OciLayoutBuilder(work.resolve(name));
    OciLayoutBuilder.LayerBlob layer =
        oci.layer(new TarBuilder().file("srv/app/run.sh", "echo hi\n").tar(), "COPY app /srv");
    var config = OciLayoutBuilder.object();
    if (user != null) {
      config.put("User", user);
    }
    oci.tag(oci.image(config, List.of(layer), null, "amd64"), "registry.example.com/team/" + name);
    return "oci:" + oci.finish();
  }

  private static Path nonRootPolicy() throws Exception {
    Path file = work.resolve("non-root.yaml");
    Files.writeString(
        file,
        """
        apiVersion: sekisho.dev/v1alpha1
        kind: ScanPolicy
        metadata:
          name: non-root
        spec:
          action: Enforce
          config:
            requireNonRoot: true
        """);
    return file;
  }

  private static CliRun scan(String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "scan",
                "--db",
                db.toString(),
                "--offline",
                "--policy",
                nonRootPolicy().toString(),
                "--format",
                "summary"));
    args.addAll(List.of(more));
    return CliRun.run(env, args.toArray(String[]::new));
  }

  @Test
  void everyTargetIsScannedAndReportedToItsOwnFile() throws Exception {
    Path list = work.resolve("targets.txt");
    Files.writeString(list, "# images of the release\n\n  " + userImage + "  \n");
    Path out = Files.createDirectories(work.resolve("reports-ok"));

    CliRun r =
        scan(
            "--report",
            "json=" + out.resolve("{index}-{target}.json"),
            userImage,
            "--targets-file",
            list.toString());

    assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCode.PASS.code());
    String safe = OutputOptions.fileSafe(userImage);
    assertThat(out.resolve("1-" + safe + ".json")).isRegularFile();
    assertThat(out.resolve("2-" + safe + ".json")).isRegularFile();
    JsonNode report = new ObjectMapper().readTree(out.resolve("2-" + safe + ".json").toFile());
    assertThat(report.path("artifact").path("repository").asText()).isEqualTo("team/user");
    assertThat(r.err().lines().filter(l -> l.startsWith("sekisho: oci:"))).hasSize(2);
  }

  @Test
  void aTargetThatCannotBeReadDoesNotStopTheOthersAndTheWorstCodeWins() throws Exception {
    Path out = Files.createDirectories(work.resolve("reports-mixed"));

    CliRun r =
        scan("--report", "json=" + out.resolve("{index}.json"), rootImage, broken, userImage);

    // root image: policy failure (1); the broken layout: an input error (2); the third still runs
    assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("sekisho: error: " + broken + ": ");
    assertThat(out.resolve("1.json")).isRegularFile();
    assertThat(out.resolve("2.json")).doesNotExist();
    assertThat(out.resolve("3.json")).isRegularFile();
    assertThat(r.err()).contains("sekisho: " + rootImage + "@sha256:").contains(" FAIL ");
    assertThat(r.err()).contains("sekisho: " + userImage + "@sha256:").contains(" PASS ");

    CliRun failAndPass = scan(rootImage, userImage);
    assertThat(failAndPass.exitCode())
        .as(failAndPass.all())
        .isEqualTo(ExitCode.POLICY_FAILURE.code());
  }

  @Test
  void oneReportFileForSeveralTargetsIsRefusedBeforeScanning() throws Exception {
    Path file = work.resolve("one.json");

    CliRun r = scan("--report", "json=" + file, rootImage, userImage);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err())
        .contains("report file " + file + " would be written for each of 2 targets")
        .contains("{index}")
        .contains("one-{target}.json");
    assertThat(r.err()).doesNotContain("sekisho: oci:");
    assertThat(file).doesNotExist();
  }

  @Test
  void inputErrorsInAnyTargetStopTheCommandBeforeScanning() throws Exception {
    CliRun missing = scan(userImage, "oci:" + work.resolve("gone"));
    assertThat(missing.exitCode()).as(missing.all()).isEqualTo(ExitCode.USAGE.code());
    assertThat(missing.err()).contains("gone does not exist").doesNotContain("sekisho: oci:");

    CliRun digest = scan("--digest", "sha256:" + "a".repeat(64), userImage, rootImage);
    assertThat(digest.exitCode()).as(digest.all()).isEqualTo(ExitCode.USAGE.code());
    assertThat(digest.err()).contains("--digest names one image's manifest, but 2 targets");

    CliRun none = scan();
    assertThat(none.exitCode()).as(none.all()).isEqualTo(ExitCode.USAGE.code());
    assertThat(none.err()).contains("missing TARGET");

    Path empty = work.resolve("empty-list.txt");
    Files.writeString(empty, "# nothing yet\n");
    CliRun emptyList = scan("--targets-file", empty.toString());
    assertThat(emptyList.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(emptyList.err()).contains("targets file " + empty + " lists no target");

    CliRun noList = scan("--targets-file", work.resolve("no-list.txt").toString());
    assertThat(noList.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(noList.err()).contains("no-list.txt does not exist");
  }
}

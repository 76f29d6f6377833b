package dev.sekisho.cli;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.testing.OciLayoutBuilder;
import dev.sekisho.scanner.testing.TarBuilder;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI applies a policy only when its selector selects the scan, as the operator does: {@code
 * selector.images} against the scanned image's name, {@code selector.pipelines} against the Tekton
 * Pipeline the step runs in.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PolicySelectionTest {
  @TempDir static Path work;
  static Path db;
  static String target;
  static Map<String, String> env;

  @BeforeAll
  static void imageAndDatabase() throws Exception {
    // runs as root (no User): fails a policy that requires a non-root user
    OciLayoutBuilder oci = new OciLayoutBuilder(work.resolve("layout"));
    OciLayoutBuilder.LayerBlob layer =
        oci.layer(new TarBuilder().file("srv/app/run.sh", "echo hi\n").tar(), "COPY app /srv");
    oci.tag(
        oci.image(OciLayoutBuilder.object(), List.of(layer), null, "amd64"),
        "registry.example.com/team/app:1.0");
    target = "oci:" + oci.finish();

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

  private static Path policy(String name, String selector) throws Exception {
    Path file = work.resolve(name + ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: sekisho.dev/v1alpha1
        kind: ScanPolicy
        metadata:
          name: %s
        spec:
          action: Enforce
          selector:
        %s
          config:
            requireNonRoot: true
        """
            .formatted(name, selector.indent(4).stripTrailing()));
    return file;
  }

  private static CliRun scan(Map<String, String> environment, Path policy) {
    return CliRun.run(
        environment,
        "scan",
        "--db",
        db.toString(),
        "--offline",
        "--format",
        "json",
        "--policy",
        policy.toString(),
        target);
  }

  @Test
  void aPolicyForOtherImagesDoesNotApply() throws Exception {
    CliRun r = scan(env, policy("other-team", "images: [\"registry.example.com/other/**\"]"));

    assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCode.PASS.code());
    assertThat(r.err())
        .contains("policy")
        .contains("other-team")
        .contains("does not apply")
        .contains("registry.example.com/other/**")
        .contains("registry.example.com/team/app:1.0");
  }

  @Test
  void aPolicyForThisImageApplies() throws Exception {
    CliRun r = scan(env, policy("team", "images: [\"registry.example.com/team/*\"]"));

    assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCode.POLICY_FAILURE.code());
    assertThat(r.err()).doesNotContain("does not apply");
  }

  @Test
  void pipelineSelectorsNeedTheTektonPipeline() throws Exception {
    Path file = policy("release", "pipelines: [\"release-*\"]");

    CliRun outside = scan(env, file);
    assertThat(outside.exitCode()).as(outside.all()).isEqualTo(ExitCode.PASS.code());
    assertThat(outside.err()).contains("outside a pipeline");

    Map<String, String> inRelease = new HashMap<>(env);
    inRelease.put("SEKISHO_TEKTON_PIPELINE", "release-app");
    CliRun inside = scan(inRelease, file);
    assertThat(inside.exitCode()).as(inside.all()).isEqualTo(ExitCode.POLICY_FAILURE.code());

    Map<String, String> inBuild = new HashMap<>(env);
    inBuild.put("SEKISHO_TEKTON_PIPELINE", "build-app");
    CliRun other = scan(inBuild, file);
    assertThat(other.exitCode()).as(other.all()).isEqualTo(ExitCode.PASS.code());
    assertThat(other.err()).contains("do not match pipeline build-app");
  }
}

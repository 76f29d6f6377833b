package dev.sekisho.testkit.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.testkit.registry.RegistryTest;
import dev.sekisho.testkit.registry.TestRegistry;
import dev.sekisho.testkit.runc.RuncContainer;
import dev.sekisho.testkit.runc.RuncImage;
import dev.sekisho.testkit.runc.RuncOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tekton's own images as {@link TektonImages} builds them, pushed to the test registry, pulled back
 * and run by Debian's {@code runc} the way a restricted pod runs them: an arbitrary UID ({@value
 * #OPENSHIFT_UID}, in no {@code /etc/passwd}), a read-only root file system, no capabilities,
 * {@code no_new_privs}; the pod's {@code emptyDir} volumes are world-writable host directories.
 */
@RegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TektonImagesIT {
  private static final long OPENSHIFT_UID = 1000680000L;
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(1);

  private final TektonRelease release = TektonRelease.fromEnvironment();
  private TektonImages.References images;

  @BeforeAll
  void push(TestRegistry registry) {
    images = TektonImages.of(release).push(registry);
  }

  @Test
  void referencesAreDigestsInTheTestRegistry(TestRegistry registry) {
    assertThat(
            new String[] {
              images.entrypoint(),
              images.nop(),
              images.workingDirInit(),
              images.sidecarLogResults(),
              images.shell()
            })
        .allSatisfy(
            r ->
                assertThat(r)
                    .startsWith(registry.hostPort() + "/tektoncd/pipeline/")
                    .contains("@sha256:"));
  }

  @Test
  void entrypointInitCopiesItselfIntoTheBinVolumeAndLinksTheSteps(@TempDir Path tmp)
      throws IOException {
    Path bin = emptyDir(tmp.resolve("bin"));
    Path steps = emptyDir(tmp.resolve("steps"));
    try (RuncImage image = RuncImage.pull(images.entrypoint())) {
      assertThat(image.entrypoint()).containsExactly("/ko-app/entrypoint");
      assertThat(image.user()).isEqualTo(TektonImages.USER);
      assertThat(image.env()).contains("KO_DATA_PATH=/var/run/ko");
      assertThat(image.env())
          .anySatisfy(e -> assertThat(e).startsWith("PATH=").endsWith(":/ko-app"));

      // the prepare init container's command, as pkg/pod/pod.go writes it
      RuncContainer.Exit exit =
          image.run(
              RuncOptions.restricted(OPENSHIFT_UID)
                  .withCommand(
                      "/ko-app/entrypoint",
                      "init",
                      "/ko-app/entrypoint",
                      "/tekton/bin/entrypoint",
                      "step-build",
                      "step-scan")
                  .withBind(bin, "/tekton/bin", false)
                  .withBind(steps, "/tekton/steps", false),
              RUN_TIMEOUT);

      assertThat(exit.code()).as(exit.stderr()).isZero();
      Path copied = bin.resolve("entrypoint");
      assertThat(Files.mismatch(copied, release.binary("entrypoint"))).isEqualTo(-1L);
      assertThat(Files.getAttribute(copied, "unix:uid")).isEqualTo((int) OPENSHIFT_UID);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copied)))
          .isEqualTo("-wx--x--x");
      assertThat(Files.readSymbolicLink(steps.resolve("step-build")))
          .isEqualTo(Path.of("/tekton/run/0/status"));
      assertThat(Files.readSymbolicLink(steps.resolve("1")))
          .isEqualTo(Path.of("/tekton/run/1/status"));
    }
  }

  @Test
  void shellRunsShCAsTheArbitraryUid(@TempDir Path tmp) throws IOException {
    Path scripts = emptyDir(tmp.resolve("scripts"));
    try (RuncImage image = RuncImage.pull(images.shell())) {
      assertThat(image.user()).isEqualTo(TektonImages.USER);
      // place-scripts: Tekton's command is "sh" found on the PATH, with "-c" and a program
      RuncContainer.Exit exit =
          image.run(
              RuncOptions.restricted(OPENSHIFT_UID)
                  .withCommand(
                      "sh",
                      "-c",
                      "scriptfile=/tekton/scripts/script-0-abcde\n"
                          + "touch ${scriptfile} && chmod +x ${scriptfile}\n"
                          + "cat > ${scriptfile} << '_EOF_'\n"
                          + "#!/bin/sh\necho placed\n"
                          + "_EOF_\n"
                          + "id -u; touch /ro 2>/dev/null || echo read-only root")
                  .withBind(scripts, "/tekton/scripts", false),
              RUN_TIMEOUT);

      assertThat(exit.code()).as(exit.stderr()).isZero();
      assertThat(exit.stdout()).isEqualTo(OPENSHIFT_UID + "\nread-only root\n");
      Path script = scripts.resolve("script-0-abcde");
      assertThat(Files.readString(script)).isEqualTo("#!/bin/sh\necho placed\n");
      assertThat(Files.getPosixFilePermissions(script))
          .contains(PosixFilePermission.OTHERS_EXECUTE);
    }
  }

  @Test
  void nopExitsZero() {
    try (RuncImage image = RuncImage.pull(images.nop())) {
      assertThat(image.entrypoint()).containsExactly("/ko-app/nop");
      // a stopped sidecar keeps its command and args; nop ignores them
      RuncContainer.Exit exit =
          image.run(RuncOptions.restricted(OPENSHIFT_UID, "ignored", "args"), RUN_TIMEOUT);
      assertThat(exit.code()).as(exit.stderr()).isZero();
      assertThat(exit.stderr()).contains("Exiting...");
    }
  }

  @Test
  void workingDirInitCreatesTheStepWorkingDirectories(@TempDir Path tmp) {
    Path workspace = emptyDir(tmp.resolve("workspace"));
    try (RuncImage image = RuncImage.pull(images.workingDirInit())) {
      RuncContainer.Exit exit =
          image.run(
              RuncOptions.restricted(OPENSHIFT_UID)
                  .withCommand("/ko-app/workingdirinit", "/workspace/src/app", "/workspace/out")
                  .withBind(workspace, "/workspace", false),
              RUN_TIMEOUT);
      assertThat(exit.code()).as(exit.stderr()).isZero();
      assertThat(workspace.resolve("src/app")).isDirectory();
      assertThat(workspace.resolve("out")).isDirectory();
    }
  }

  @Test
  void sidecarLogResultsIsTheBinaryAtItsKoPath() {
    try (RuncImage image = RuncImage.pull(images.sidecarLogResults())) {
      Path binary = image.rootfs().resolve("ko-app/sidecarlogresults");
      assertThat(Files.isRegularFile(binary, LinkOption.NOFOLLOW_LINKS)).isTrue();
      RuncContainer.Exit exit =
          image.run(
              RuncOptions.restricted(OPENSHIFT_UID)
                  .withCommand("/ko-app/sidecarlogresults", "-help"),
              RUN_TIMEOUT);
      // Go's flag package: -help prints the usage and exits 0
      assertThat(exit.code()).as(exit.stderr()).isZero();
      assertThat(exit.stderr()).contains("-results-dir", "-result-names");
    }
  }

  private static Path emptyDir(Path dir) {
    try {
      Files.createDirectories(dir);
      // what the kubelet gives an emptyDir: writable by any UID
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

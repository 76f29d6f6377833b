package dev.sekisho.testkit.images;

import dev.sekisho.testkit.ChildProcess;
import dev.sekisho.testkit.fixtures.ExternalTool;
import dev.sekisho.testkit.kube.SekishoCrds;
import dev.sekisho.testkit.registry.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The task and operator images made by the real build: one nested {@code hack/mvn -Pimage
 * -Djib.goal=buildTar} of both modules per test JVM (about 4 minutes here, most of it compiling),
 * FROM the base image {@code hack/base-image.sh} makes. Nothing is pulled from or pushed to a
 * registry. The two docker-archive tarballs are copied out of the modules' {@code target/} into a
 * temporary directory removed when the JVM exits. Used by the task image's {@code ShippedImagesIT}
 * and by the end-to-end tests on the real node.
 *
 * @param taskImage the task image ({@code task-image/target/jib-image.tar})
 * @param operatorImage the operator image ({@code operator/target/jib-image.tar})
 * @param buildLog the build's output, for failure messages
 */
public record BuiltImages(Path taskImage, Path operatorImage, String buildLog) {
  private static final long BUILD_TIMEOUT_MINUTES = 20;
  private static BuiltImages built;

  /** The images of this JVM's one nested build (built on first use). */
  public static synchronized BuiltImages get() throws IOException, InterruptedException {
    if (built == null) {
      built = build();
    }
    return built;
  }

  private static BuiltImages build() throws IOException, InterruptedException {
    Path root = SekishoCrds.repositoryRoot();
    List<String> command =
        List.of(
            root.resolve("hack/mvn").toString(),
            "-B",
            "-q",
            "-ntp",
            "-pl",
            "task-image,operator",
            "-am",
            "package",
            "-DskipTests",
            "-DskipITs",
            "-Pimage",
            "-Djib.goal=buildTar");
    // ChildProcess kills the nested Maven and the JVMs it started when the time is up
    ChildProcess.Result build =
        ChildProcess.run(
            new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true),
            Duration.ofMinutes(BUILD_TIMEOUT_MINUTES));
    if (build.exitCode() != 0) {
      throw new IllegalStateException(
          "the image build failed (exit "
              + build.exitCode()
              + "): "
              + command
              + "\n"
              + build.stdout());
    }
    Path dir = Files.createTempDirectory("sekisho-images-");
    Path task = dir.resolve("sekisho-task.tar");
    Path operator = dir.resolve("sekisho-operator.tar");
    Files.copy(
        root.resolve("task-image/target/jib-image.tar"), task, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        root.resolve("operator/target/jib-image.tar"),
        operator,
        StandardCopyOption.REPLACE_EXISTING);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(task);
                    Files.deleteIfExists(operator);
                    Files.deleteIfExists(dir);
                  } catch (IOException e) {
                    // best effort
                  }
                }));
    return new BuiltImages(task, operator, build.stdout());
  }

  /**
   * Pushes a docker-archive tarball ({@link #taskImage()} or {@link #operatorImage()}) to the
   * registry as {@code repositoryAndTag} with skopeo; returns {@code HOST:PORT/repositoryAndTag}.
   */
  public static String push(TestRegistry registry, Path dockerArchive, String repositoryAndTag) {
    String reference = registry.hostPort() + "/" + repositoryAndTag;
    ExternalTool.require("skopeo", "run hack/setup.sh to install the test tools")
        .run(
            dockerArchive.getParent(),
            Duration.ofMinutes(5),
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            "docker-archive:" + dockerArchive,
            "docker://" + reference);
    return reference;
  }
}

package dev.sekisho.cli.image;

import dev.sekisho.testkit.kube.SekishoCrds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The task and operator images made by the real build: one nested {@code hack/mvn -Pimage
 * -Djib.goal=buildTar} of both modules per test JVM (about 4 minutes here, most of it compiling),
 * FROM the base image {@code hack/base-image.sh} makes. Nothing is pulled from or pushed to a
 * registry. The two docker-archive tarballs are copied out of the modules' {@code target/} into a
 * temporary directory removed when the JVM exits.
 *
 * @param taskImage the task image ({@code task-image/target/jib-image.tar})
 * @param operatorImage the operator image ({@code operator/target/jib-image.tar})
 * @param buildLog the build's output, for failure messages
 */
record BuiltImages(Path taskImage, Path operatorImage, String buildLog) {
  private static final long BUILD_TIMEOUT_MINUTES = 20;
  private static BuiltImages built;

  static synchronized BuiltImages get() throws IOException, InterruptedException {
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
    Process build =
        new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    build.getInputStream().transferTo(log);
                  } catch (IOException e) {
                    // the process ended
                  }
                });
    if (!build.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      build.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "the image build did not finish within "
              + BUILD_TIMEOUT_MINUTES
              + " minutes: "
              + command);
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));
    String output = log.toString(StandardCharsets.UTF_8);
    if (build.exitValue() != 0) {
      throw new IllegalStateException(
          "the image build failed (exit " + build.exitValue() + "): " + command + "\n" + output);
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
    return new BuiltImages(task, operator, output);
  }
}

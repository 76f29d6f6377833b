package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.CredentialStore;
import dev.sekisho.scanner.image.RegistryCredential;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry credentials as the scan-image Task's dockerconfig workspace provides them. */
class ImageOptionsTest {
  @TempDir Path tmp;

  private InspectOptions options(Map<String, String> env) {
    CliContext context =
        new CliContext(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            env,
            Terminal.NONE,
            Clock.systemUTC());
    return new ImageOptions().inspectOptions(context, new Progress(context));
  }

  private static String auth(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDockerconfigjsonSecretBoundAsTheWorkspaceIsRead() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("dockerconfig"));
    Files.writeString(
        workspace.resolve(".dockerconfigjson"),
        "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + auth("robot", "s3cret") + "\"}}}");

    InspectOptions o =
        options(Map.of("DOCKER_CONFIG", workspace.toString(), "HOME", tmp.toString()));

    assertThat(o.registry().kubernetesDockerConfig())
        .isEqualTo(workspace.resolve(".dockerconfigjson"));
    RegistryCredential credential =
        CredentialStore.load(o.registry()).lookup("registry.example.com").orElseThrow();
    assertThat(credential)
        .isInstanceOfSatisfying(
            RegistryCredential.Basic.class, b -> assertThat(b.username()).isEqualTo("robot"));
  }

  @Test
  void anUnboundWorkspaceOrADockerConfigDirectoryNeedsNoSecret() throws Exception {
    // the Task passes an empty path when the optional workspace is not bound
    assertThat(options(Map.of("DOCKER_CONFIG", "", "HOME", tmp.toString())).registry())
        .satisfies(r -> assertThat(r.kubernetesDockerConfig()).isNull());

    Path dir = Files.createDirectories(tmp.resolve("docker"));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + auth("dev", "pw") + "\"}}}");
    InspectOptions o = options(Map.of("DOCKER_CONFIG", dir.toString(), "HOME", tmp.toString()));
    assertThat(o.registry().kubernetesDockerConfig()).isNull();
    assertThat(o.registry().dockerConfigs()).containsExactly(dir.resolve("config.json"));
  }
}

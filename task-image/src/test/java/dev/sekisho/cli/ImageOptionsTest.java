package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.artifact.InspectOptions;
import dev.sekisho.scanner.image.registry.CredentialStore;
import dev.sekisho.scanner.image.registry.RegistryCredential;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Registry credentials as the scan-image Task's dockerconfig workspace provides them. */
class ImageOptionsTest {
  @TempDir Path tmp;

  private InspectOptions options(Map<String, String> env) {
    return options(env, new ImageOptions());
  }

  private InspectOptions options(Map<String, String> env, ImageOptions image) {
    CliContext context =
        new CliContext(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            env,
            Terminal.NONE,
            Clock.systemUTC());
    return image.inspectOptions(context, new Progress(context));
  }

  private static String auth(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @Timeout(30)
  void aTemporaryCopyLimitThatIsNotASizeIsAUsageError() {
    String before = System.getProperty("sekisho.temp.maxTotal");
    System.setProperty("sekisho.temp.maxTotal", "much");
    try {
      assertThatThrownBy(() -> options(Map.of("HOME", tmp.toString())))
          .isInstanceOf(UserInputException.class)
          .hasMessage("invalid -Dsekisho.temp.maxTotal=much: expected a size such as 512m or 2g")
          .satisfies(e -> assertThat(ExitCode.of(e)).isEqualTo(ExitCode.USAGE));
    } finally {
      if (before == null) {
        System.clearProperty("sekisho.temp.maxTotal");
      } else {
        System.setProperty("sekisho.temp.maxTotal", before);
      }
    }
  }

  @Test
  @Timeout(30)
  void anArchiveLimitThatIsNotANumberIsAUsageError() {
    String before = System.getProperty("sekisho.archive.maxEntries");
    System.setProperty("sekisho.archive.maxEntries", "many");
    try {
      assertThatThrownBy(() -> options(Map.of("HOME", tmp.toString())))
          .isInstanceOf(UserInputException.class)
          .hasMessage("invalid -Dsekisho.archive.maxEntries=many: expected a number of entries")
          .satisfies(e -> assertThat(ExitCode.of(e)).isEqualTo(ExitCode.USAGE));
    } finally {
      if (before == null) {
        System.clearProperty("sekisho.archive.maxEntries");
      } else {
        System.setProperty("sekisho.archive.maxEntries", before);
      }
    }
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

  /** A pod's mounted ServiceAccount directory with its token. */
  private Path serviceAccount(String token) throws Exception {
    Path sa = Files.createDirectories(tmp.resolve("serviceaccount"));
    Files.writeString(sa.resolve("token"), token + "\n");
    Files.writeString(sa.resolve("namespace"), "shop");
    return sa;
  }

  @Test
  void thePodsTokenAuthenticatesToOpenShiftsInternalRegistry() throws Exception {
    Path sa = serviceAccount("pod-token");

    InspectOptions o =
        options(
            Map.of(
                "SEKISHO_SERVICE_ACCOUNT_DIR", sa.toString(),
                "DOCKER_CONFIG", "",
                "HOME", tmp.toString()));

    assertThat(o.registry().serviceAccountTokens())
        .containsExactly(Map.entry(ImageOptions.OPENSHIFT_REGISTRY, sa.resolve("token")));
    CredentialStore store = CredentialStore.load(o.registry());
    assertThat(store.lookup("image-registry.openshift-image-registry.svc:5000").orElseThrow())
        .isInstanceOfSatisfying(
            RegistryCredential.ServiceAccountToken.class,
            t -> assertThat(t.token()).isEqualTo("pod-token"));
    // only that registry: other registries do not get the cluster's token
    assertThat(store.lookup("registry.example.com")).isEmpty();
  }

  @Test
  void aPullSecretForTheInternalRegistryWinsOverThePodsToken() throws Exception {
    Path sa = serviceAccount("pod-token");
    Path workspace = Files.createDirectories(tmp.resolve("pull-secret"));
    Files.writeString(
        workspace.resolve(".dockerconfigjson"),
        "{\"auths\":{\"image-registry.openshift-image-registry.svc:5000\":{\"auth\":\""
            + auth("builder", "other-token")
            + "\"}}}");

    InspectOptions o =
        options(
            Map.of(
                "SEKISHO_SERVICE_ACCOUNT_DIR", sa.toString(),
                "DOCKER_CONFIG", workspace.toString(),
                "HOME", tmp.toString()));

    assertThat(o.registry().serviceAccountTokens()).isEmpty();
    assertThat(
            CredentialStore.load(o.registry())
                .lookup(ImageOptions.OPENSHIFT_REGISTRY)
                .orElseThrow())
        .isInstanceOfSatisfying(
            RegistryCredential.Basic.class, b -> assertThat(b.username()).isEqualTo("builder"));
  }

  @Test
  void registryTokenFlagsNameTheirFiles() throws Exception {
    Path token = Files.writeString(tmp.resolve("mirror.token"), "mirror-token");
    ImageOptions image = new ImageOptions();
    new picocli.CommandLine(image)
        .parseArgs("--registry-token", "mirror.example.com:5000=" + token);

    InspectOptions o = options(Map.of("DOCKER_CONFIG", "", "HOME", tmp.toString()), image);

    assertThat(o.registry().serviceAccountTokens()).containsEntry("mirror.example.com:5000", token);
    ImageOptions missing = new ImageOptions();
    new picocli.CommandLine(missing)
        .parseArgs("--registry-token", "mirror.example.com=" + tmp.resolve("nope"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> options(Map.of("DOCKER_CONFIG", "", "HOME", tmp.toString()), missing))
        .isInstanceOf(UserInputException.class)
        .hasMessageContaining("--registry-token mirror.example.com=" + tmp.resolve("nope"));
  }
}

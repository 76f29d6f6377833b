package dev.sekisho.scanner.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
  @TempDir Path dir;

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private static RegistryOptions options() {
    return new RegistryOptions(null, null, null, null, null, 0, null, null);
  }

  @Test
  void dockerConfigAuthsInEveryForm() throws Exception {
    Path config =
        write(
            "config.json",
            """
            {"auths": {
              "https://index.docker.io/v1/": {"auth": "%s"},
              "registry.example.com:5000": {"username": "bob", "password": "pw2"},
              "https://quay.io/v2/": {"auth": "%s"},
              "ghcr.io": {"identitytoken": "refresh-me"},
              "empty.example": {}
            },
            "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}
            """
                .formatted(b64("alice:pw1"), b64("q:p:with:colons")));
    CredentialStore store = CredentialStore.load(options().withDockerConfigs(List.of(config)));
    assertThat(store.lookup("docker.io"))
        .get()
        .isEqualTo(new RegistryCredential.Basic("alice", "pw1", "docker config " + config));
    assertThat(store.lookup("registry.example.com:5000").get())
        .isEqualTo(new RegistryCredential.Basic("bob", "pw2", "docker config " + config));
    assertThat(store.lookup("quay.io").get())
        .isEqualTo(new RegistryCredential.Basic("q", "p:with:colons", "docker config " + config));
    assertThat(store.lookup("ghcr.io").get()).isInstanceOf(RegistryCredential.IdentityToken.class);
    assertThat(store.lookup("empty.example")).isEmpty();
    assertThat(store.lookup("123.dkr.ecr.us-east-1.amazonaws.com")).isEmpty();
    assertThat(store.note("123.dkr.ecr.us-east-1.amazonaws.com"))
        .contains("docker-credential-ecr-login")
        .contains("not supported");
    // toString never shows the password
    assertThat(store.lookup("docker.io").get().toString()).doesNotContain("pw1");
  }

  @Test
  void kubernetesSecretComesBeforeDockerConfigAndLegacyFormIsRead() throws Exception {
    Path docker =
        write("config.json", "{\"auths\":{\"r.example\":{\"auth\":\"" + b64("docker:1") + "\"}}}");
    Path kube =
        write(
            ".dockerconfigjson",
            "{\"auths\":{\"r.example\":{\"auth\":\"" + b64("kube:2") + "\"}}}");
    Path legacy =
        write(
            ".dockercfg",
            "{\"old.example\":{\"auth\":\"" + b64("old:3") + "\",\"email\":\"x@y\"}}");
    CredentialStore store =
        CredentialStore.load(
            options().withDockerConfigs(List.of(docker, legacy)).withKubernetesDockerConfig(kube));
    assertThat(((RegistryCredential.Basic) store.lookup("r.example").get()).username())
        .isEqualTo("kube");
    assertThat(((RegistryCredential.Basic) store.lookup("old.example").get()).username())
        .isEqualTo("old");
  }

  @Test
  void serviceAccountTokenIsReadAtEachLookup() throws Exception {
    Path token = write("token", "tok-1\n");
    CredentialStore store =
        CredentialStore.load(
            options()
                .withServiceAccountTokens(
                    Map.of("image-registry.openshift-image-registry.svc:5000", token)));
    assertThat(store.lookup("image-registry.openshift-image-registry.svc:5000").get())
        .isEqualTo(new RegistryCredential.ServiceAccountToken("tok-1", "token file " + token));
    Files.writeString(token, "tok-2");
    assertThat(
            ((RegistryCredential.ServiceAccountToken)
                    store.lookup("image-registry.openshift-image-registry.svc:5000").get())
                .token())
        .isEqualTo("tok-2");
  }

  @Test
  void badFilesAreNamedInTheError() throws Exception {
    Path notJson = write("bad.json", "{nope");
    assertThatThrownBy(() -> CredentialStore.load(options().withDockerConfigs(List.of(notJson))))
        .hasMessageContaining("docker config " + notJson + " is not valid JSON: line 1, column 2")
        .hasMessageNotContaining("[Source")
        .hasMessageNotContaining("code 110")
        .hasCauseInstanceOf(dev.sekisho.scanner.input.DocumentException.class);
    Path badAuth =
        write("bad-auth.json", "{\"auths\":{\"r\":{\"auth\":\"" + b64("no-colon") + "\"}}}");
    assertThatThrownBy(() -> CredentialStore.load(options().withDockerConfigs(List.of(badAuth))))
        .hasMessageContaining(badAuth.toString())
        .hasMessageContaining("USER:PASSWORD");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> CredentialStore.load(options().withKubernetesDockerConfig(missing)))
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(
            () -> CredentialStore.load(options().withServiceAccountTokens(Map.of("r", missing))))
        .hasMessageContaining(missing.toString());
  }

  @Test
  void defaultDockerConfigFollowsDockerConfigVariable() throws Exception {
    Files.createDirectories(dir.resolve("d"));
    write("d/config.json", "{}");
    assertThat(
            RegistryOptions.defaultDockerConfigs(
                Map.of("DOCKER_CONFIG", dir.resolve("d").toString()), "/nowhere"))
        .containsExactly(dir.resolve("d/config.json"));
    Files.createDirectories(dir.resolve("home/.docker"));
    write("home/.docker/config.json", "{}");
    assertThat(RegistryOptions.defaultDockerConfigs(Map.of(), dir.resolve("home").toString()))
        .containsExactly(dir.resolve("home/.docker/config.json"));
    assertThat(RegistryOptions.defaultDockerConfigs(Map.of(), "/nowhere")).isEmpty();
  }
}

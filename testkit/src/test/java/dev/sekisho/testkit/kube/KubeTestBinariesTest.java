package dev.sekisho.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class KubeTestBinariesTest {
  @TempDir Path home;

  @Test
  void defaultsToTheCacheUnderHomeAndThePinnedVersion() {
    KubeTestBinaries binaries = KubeTestBinaries.fromEnvironment(Map.of(), home);

    assertThat(binaries.version()).isEqualTo(KubeTestBinaries.DEFAULT_VERSION);
    assertThat(binaries.directory().getParent()).isEqualTo(home.resolve(".cache/sekisho-test/k8s"));
    assertThat(binaries.directory().getFileName().toString())
        .startsWith(KubeTestBinaries.DEFAULT_VERSION + "-linux-");
  }

  @Test
  void environmentOverridesCacheAndVersion() {
    KubeTestBinaries binaries =
        KubeTestBinaries.fromEnvironment(
            Map.of("SEKISHO_TEST_CACHE", "/srv/cache", "SEKISHO_K8S_VERSION", "1.33.7"), home);

    assertThat(binaries.version()).isEqualTo("1.33.7");
    assertThat(binaries.directory().toString()).startsWith("/srv/cache/k8s/1.33.7-linux-");
    assertThat(binaries.kubeApiServer()).isEqualTo(binaries.directory().resolve("kube-apiserver"));
  }

  @Test
  void missingBinariesFailNamingTheScriptThatBuildsThem() throws IOException {
    KubeTestBinaries binaries = KubeTestBinaries.fromEnvironment(Map.of(), home);
    Files.createDirectories(binaries.directory());
    Files.writeString(binaries.etcd(), "#!/bin/sh\n");
    Files.setPosixFilePermissions(binaries.etcd(), PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(binaries.missing()).containsExactly(binaries.kubeApiServer(), binaries.kubectl());
    assertThatThrownBy(() -> KubeApiServerExtension.checkPreconditions(Map.of(), binaries))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hack/test-binaries.sh")
        .hasMessageContaining(binaries.kubeApiServer().toString())
        .hasMessageContaining("SEKISHO_SKIP_KUBE=1");
  }

  @Test
  void skipIsExplicitAndSaysWhy() {
    KubeTestBinaries binaries = KubeTestBinaries.fromEnvironment(Map.of(), home);

    assertThatThrownBy(
            () ->
                KubeApiServerExtension.checkPreconditions(
                    Map.of("SEKISHO_SKIP_KUBE", "1"), binaries))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("SEKISHO_SKIP_KUBE=1")
        .hasMessageContaining("kube-apiserver");
  }

  @Test
  void startRefusesMissingBinariesBeforeLaunchingAnything() {
    KubeTestBinaries binaries = KubeTestBinaries.fromEnvironment(Map.of(), home);

    assertThatThrownBy(() -> KubeApiServer.start(binaries))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hack/test-binaries.sh");
  }
}

package dev.sekisho.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.operator.workload.PodImages.RunningImage;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PodImagesTest {
  private static final String A =
      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String B =
      "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String C =
      "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "null",
      value = {
        // containerd's imageID: the repo digest
        "registry.test/app@" + A + ", registry.test/app@" + A,
        // docker's
        "docker-pullable://registry.test/app@" + A + ", registry.test/app@" + A,
        // a tag and a digest: the digest decides
        "127.0.0.1:5000/team/app:1.2@" + A + ", 127.0.0.1:5000/team/app@" + A,
        "127.0.0.1:5000/app@" + A + ", 127.0.0.1:5000/app@" + A,
        // a runtime's local image id (the config digest) names no pullable image
        A + ", null",
        "registry.test/app:1, null",
        "registry.test/app@sha256:short, null",
      })
  void readsRepositoryAndDigest(String reference, String expected) {
    assertThat(PodImages.repositoryDigest(reference)).isEqualTo(expected);
  }

  @Test
  void everyKindOfContainerCountsOncePerDigest() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("p")
            .endMetadata()
            .withNewSpec()
            .addNewInitContainer()
            .withName("init")
            .withImage("registry.test/init:1")
            .endInitContainer()
            .addNewContainer()
            .withName("app")
            .withImage("registry.test/app:1")
            .endContainer()
            .addNewContainer()
            .withName("sidecar")
            .withImage("registry.test/sidecar@" + C)
            .endContainer()
            .addNewEphemeralContainer()
            .withName("debug")
            .withImage("registry.test/debug:1")
            .endEphemeralContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("init")
                    .withImageID("registry.test/init@" + B)
                    .build())
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("app")
                    .withImageID("registry.test/app@" + A)
                    .build(),
                // not pulled yet: the pinned spec image still names the digest
                new ContainerStatusBuilder().withName("sidecar").withImageID("").build())
            .withEphemeralContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("debug")
                    .withImageID("registry.test/app@" + A)
                    .build())
            .endStatus()
            .build();

    assertThat(PodImages.of(pod))
        .containsExactly(
            new RunningImage(B, "registry.test/init@" + B, "registry.test/init:1"),
            new RunningImage(A, "registry.test/app@" + A, "registry.test/app:1"),
            // not pulled: another namespace's inventory of C is not reused for it
            new RunningImage(C, "registry.test/sidecar@" + C, "registry.test/sidecar@" + C, false));
  }

  @Test
  void aPodWithoutStatusRunsOnlyItsPinnedImages() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("p")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("registry.test/app:1")
            .endContainer()
            .endSpec()
            .build();
    assertThat(PodImages.of(pod)).isEmpty();
  }
}

package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class PodFieldsTest {
  private final Pod pod =
      new PodBuilder()
          .withNewMetadata()
          .withName("run-pod")
          .withNamespace("ci")
          .withUid("u-1")
          .addToLabels("tekton.dev/taskRun", "run")
          .addToLabels("app", "a\"b")
          .addToAnnotations("tekton.dev/ready", "READY")
          .endMetadata()
          .withNewSpec()
          .withNodeName("node-1")
          .withServiceAccountName("pipeline")
          .endSpec()
          .build();

  @Test
  void resolvesTheDownwardApiFieldsTheKubeletSupports() {
    assertThat(PodFields.value(pod, "metadata.name", "127.0.0.1")).isEqualTo("run-pod");
    assertThat(PodFields.value(pod, "metadata.namespace", "127.0.0.1")).isEqualTo("ci");
    assertThat(PodFields.value(pod, "metadata.uid", "127.0.0.1")).isEqualTo("u-1");
    assertThat(PodFields.value(pod, "metadata.labels['tekton.dev/taskRun']", "127.0.0.1"))
        .isEqualTo("run");
    assertThat(PodFields.value(pod, "metadata.annotations['tekton.dev/ready']", "127.0.0.1"))
        .isEqualTo("READY");
    // a missing annotation is an empty file: what Tekton's first step polls until it has content
    assertThat(PodFields.value(pod, "metadata.annotations['tekton.dev/cancel']", "127.0.0.1"))
        .isEmpty();
    assertThat(PodFields.value(pod, "spec.nodeName", "127.0.0.1")).isEqualTo("node-1");
    assertThat(PodFields.value(pod, "spec.serviceAccountName", "127.0.0.1")).isEqualTo("pipeline");
    assertThat(PodFields.value(pod, "status.podIP", "127.0.0.1")).isEqualTo("127.0.0.1");
  }

  @Test
  void wholeMapsUseTheKubeletsSortedQuotedFormat() {
    assertThat(PodFields.value(pod, "metadata.labels", "127.0.0.1"))
        .isEqualTo("app=\"a\\\"b\"\ntekton.dev/taskRun=\"run\"\n");
  }

  @Test
  void otherFieldsAreRefused() {
    assertThatThrownBy(() -> PodFields.value(pod, "spec.containers", "127.0.0.1"))
        .hasMessage("unsupported fieldPath spec.containers");
  }
}

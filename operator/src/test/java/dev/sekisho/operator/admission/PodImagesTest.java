package dev.sekisho.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.operator.admission.AdmissionDecider.Image;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where each reviewed kind keeps its images, and which count on UPDATE. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PodImagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void aPodsContainersInitContainersAndEphemeralContainers() throws Exception {
    JsonNode pod =
        json(
            "{'spec':{'initContainers':[{'name':'i','image':'init:1'}],"
                + "'containers':[{'name':'a','image':'app:1'},{'name':'b','image':'side:1'}],"
                + "'ephemeralContainers':[{'name':'d','image':'debug:1'}]}}");

    assertThat(PodImages.images("Pod", pod))
        .containsExactly(
            new Image("spec.initContainers[i]", "init:1"),
            new Image("spec.containers[a]", "app:1"),
            new Image("spec.containers[b]", "side:1"),
            new Image("spec.ephemeralContainers[d]", "debug:1"));
  }

  @Test
  void workloadTemplatesAndACronJobsJobTemplate() throws Exception {
    JsonNode deployment =
        json("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'app:1'}]}}}}");
    JsonNode cron =
        json(
            "{'spec':{'jobTemplate':{'spec':{'template':{'spec':"
                + "{'containers':[{'name':'a','image':'job:1'}]}}}}}}");

    for (String kind :
        new String[] {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}) {
      assertThat(PodImages.images(kind, deployment))
          .containsExactly(new Image("spec.template.spec.containers[a]", "app:1"));
    }
    assertThat(PodImages.images("CronJob", cron))
        .containsExactly(new Image("spec.jobTemplate.spec.template.spec.containers[a]", "job:1"));
    assertThat(PodImages.reviewed("Service")).isFalse();
    assertThat(PodImages.images("Service", deployment)).isEmpty();
  }

  @Test
  void onUpdateOnlyImagesTheOldObjectDidNotHaveCount() throws Exception {
    JsonNode old =
        json("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'app:1'}]}}}}");
    JsonNode scaled =
        json(
            "{'spec':{'replicas':5,'template':{'spec':{'containers':[{'name':'a','image':'app:1'}]}}}}");
    JsonNode setImage =
        json("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'app:2'}]}}}}");

    assertThat(PodImages.newImages("Deployment", scaled, old)).isEmpty();
    assertThat(PodImages.newImages("Deployment", setImage, old))
        .containsExactly(new Image("spec.template.spec.containers[a]", "app:2"));
    assertThat(PodImages.newImages("Deployment", setImage, null)).hasSize(1);
  }
}

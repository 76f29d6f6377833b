package dev.sekisho.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The workload of a scan's source survives the round trip the API server and clients make. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScanSourceTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void theWorkloadIsWrittenAndReadBack() {
    ScanSource source = new ScanSource();
    source.setKind(ScanSource.KIND_WORKLOAD);
    source.setNamespace("shop");
    source.setWorkload(new WorkloadUse("Deployment", "web", null));

    String json = JSON.asJson(source);
    assertThat(json).contains("\"workload\":{\"kind\":\"Deployment\",\"name\":\"web\"}");
    ScanSource back = JSON.unmarshal(json, ScanSource.class);
    assertThat(back.isWorkload()).isTrue();
    assertThat(back.getWorkload().getKind()).isEqualTo("Deployment");
    assertThat(back.getWorkload().getName()).isEqualTo("web");
  }
}

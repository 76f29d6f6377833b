package dev.sekisho.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.operator.OperatorConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkloadConfigTest {
  @Test
  void offByDefault() {
    WorkloadConfig c = OperatorConfig.fromEnv(Map.of()).workloads();
    assertThat(c.enabled()).isFalse();
    assertThat(c.namespaces()).isEmpty();
    assertThat(c.workers()).isEqualTo(1);
    assertThat(c.scan()).isTrue();
  }

  @Test
  void readsEveryVariable() {
    WorkloadConfig c =
        OperatorConfig.fromEnv(
                Map.of(
                    "SEKISHO_WORKLOADS", "true",
                    "SEKISHO_WORKLOAD_NAMESPACES", "shop, payments",
                    "SEKISHO_WORKLOAD_POD_SELECTOR", "tier=prod",
                    "SEKISHO_WORKLOAD_SCAN", "false",
                    "SEKISHO_WORKLOAD_SCAN_WORKERS", "2",
                    "SEKISHO_WORKLOAD_SCAN_RETRY", "30s",
                    "SEKISHO_WORKLOAD_RESYNC", "1m",
                    "SEKISHO_WORKLOAD_PLAIN_HTTP_REGISTRIES", "127.0.0.1:5000"))
            .workloads();
    assertThat(c.enabled()).isTrue();
    assertThat(c.namespaces()).containsExactly("shop", "payments");
    assertThat(c.watches("shop")).isTrue();
    assertThat(c.watches("kube-system")).isFalse();
    assertThat(c.podSelector()).isEqualTo("tier=prod");
    assertThat(c.scan()).isFalse();
    assertThat(c.workers()).isEqualTo(2);
    assertThat(c.retry()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.resync()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.plainHttpRegistries()).containsExactly("127.0.0.1:5000");
  }

  @Test
  void badValuesNameTheVariableAndTheLimit() {
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_WORKLOAD_SCAN_WORKERS", "16")))
        .hasMessageContaining("SEKISHO_WORKLOAD_SCAN_WORKERS=16")
        .hasMessageContaining("1 to 4");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_WORKLOAD_NAMESPACES", "Shop")))
        .hasMessageContaining("SEKISHO_WORKLOAD_NAMESPACES")
        .hasMessageContaining("Shop");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_WORKLOADS", "maybe")))
        .hasMessageContaining("SEKISHO_WORKLOADS=maybe");
  }

  @Test
  void retriesBackOffUpToTheLimit() {
    Duration base = Duration.ofMinutes(5);
    assertThat(WorkloadScanner.backoff(base, 1)).isEqualTo(Duration.ofMinutes(5));
    assertThat(WorkloadScanner.backoff(base, 2)).isEqualTo(Duration.ofMinutes(10));
    assertThat(WorkloadScanner.backoff(base, 4)).isEqualTo(Duration.ofMinutes(40));
    assertThat(WorkloadScanner.backoff(base, 50)).isEqualTo(WorkloadConfig.MAX_RETRY);
  }
}

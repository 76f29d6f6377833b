package dev.sekisho.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.operator.vulndb.DatabaseManager;
import dev.sekisho.testkit.kube.Awaiting;
import dev.sekisho.testkit.kube.KubeApiServer;
import dev.sekisho.testkit.kube.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A refused database update is a Warning Event on the operator's pod, on a real API server. */
@WithKubeApiServer
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DatabaseEventsIT {
  @Test
  void aRefusedDatabaseIsAWarningEventOnTheOperatorsPod(KubeApiServer kube) {
    KubernetesClient admin = kube.adminClient();
    String ns = kube.createNamespace("db-events");
    OperatorConfig config = OperatorConfig.fromEnv(Map.of("SEKISHO_NAMESPACE", ns));

    OperatorProcess.databaseEvents(admin, config, Clock.systemUTC())
        .accept(
            new DatabaseManager.Problem(
                "DatabaseRefused",
                "vulnerability database update refused, the previous one (10 advisories) keeps"
                    + " serving: the new vulnerability database would hold 4 advisories"));

    Awaiting.until(
        "the Event is listed",
        () -> !admin.events().v1().events().inNamespace(ns).list().getItems().isEmpty());
    List<Event> events = admin.events().v1().events().inNamespace(ns).list().getItems();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("DatabaseRefused");
              assertThat(e.getAction()).isEqualTo("UpdateDatabase");
              assertThat(e.getNote()).contains("would hold 4 advisories");
              assertThat(e.getRegarding().getKind()).isEqualTo("Pod");
              assertThat(e.getRegarding().getName())
                  .isEqualTo(System.getenv().getOrDefault("HOSTNAME", "sekisho-operator"));
            });
  }
}

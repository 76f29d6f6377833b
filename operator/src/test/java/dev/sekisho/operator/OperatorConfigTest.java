package dev.sekisho.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.operator.tls.CaPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {
  @Test
  void defaults() {
    OperatorConfig c = OperatorConfig.fromEnv(Map.of());
    assertThat(c.apiPort()).isEqualTo(8443);
    assertThat(c.insecureHttp()).isFalse();
    assertThat(c.leaderElection()).isTrue();
    assertThat(c.dbUpdateInterval()).isEqualTo(Duration.ofHours(6));
    assertThat(c.maxBodyBytes()).isEqualTo(32L << 20);
    assertThat(c.tlsDir()).isNull();
  }

  @Test
  void readsEveryVariable() {
    OperatorConfig c =
        OperatorConfig.fromEnv(
            Map.of(
                "SEKISHO_NAMESPACE", "ops",
                "SEKISHO_STORE_DIR", "/var/lib/sekisho",
                "SEKISHO_API_PORT", "9443",
                "SEKISHO_API_TLS_DIR", "/etc/tls",
                "SEKISHO_API_INSECURE_HTTP", "true",
                "SEKISHO_DB_UPDATE_INTERVAL", "15m",
                "SEKISHO_DB_SOURCES", "https://a.example/osv, /data/osv",
                "SEKISHO_TOKEN_AUDIENCES", "sekisho",
                "SEKISHO_API_MAX_BODY", "4Mi",
                "SEKISHO_LEADER_ELECTION", "no"));
    assertThat(c.namespace()).isEqualTo("ops");
    assertThat(c.storeDir()).isEqualTo(Path.of("/var/lib/sekisho"));
    assertThat(c.apiPort()).isEqualTo(9443);
    assertThat(c.tlsDir()).isEqualTo(Path.of("/etc/tls"));
    assertThat(c.insecureHttp()).isTrue();
    assertThat(c.dbUpdateInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.dbSources()).containsExactly("https://a.example/osv", "/data/osv");
    assertThat(c.tokenAudiences()).isEqualTo(List.of("sekisho"));
    assertThat(c.maxBodyBytes()).isEqualTo(4L << 20);
    assertThat(c.leaderElection()).isFalse();
  }

  @Test
  void theScanApiWaitsForTheDecisionBoundedAndNeverZero() {
    assertThat(OperatorConfig.fromEnv(Map.of()).decisionWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(OperatorConfig.fromEnv(Map.of("SEKISHO_API_DECISION_WAIT", "90s")).decisionWait())
        .isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_API_DECISION_WAIT", "0s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SEKISHO_API_DECISION_WAIT=0s: must be positive");
  }

  @Test
  void admissionSettings() {
    OperatorConfig.Admission off = OperatorConfig.fromEnv(Map.of()).admission();
    assertThat(off)
        .isEqualTo(
            new OperatorConfig.Admission(
                false, 9443, "sekisho-admission", "sekisho-admission", null));
    OperatorConfig.Admission on =
        OperatorConfig.fromEnv(
                Map.of(
                    "SEKISHO_ADMISSION_ENABLED", "true",
                    "SEKISHO_ADMISSION_PORT", "10443",
                    "SEKISHO_ADMISSION_SERVICE", "gate",
                    "SEKISHO_ADMISSION_WEBHOOK_CONFIG", "",
                    "SEKISHO_ADMISSION_TLS_DIR", "/certs"))
            .admission();
    // an empty configuration name: something else (OLM, a CA injector) keeps the caBundle
    assertThat(on)
        .isEqualTo(new OperatorConfig.Admission(true, 10443, "gate", null, Path.of("/certs")));
    assertThatThrownBy(
            () -> OperatorConfig.fromEnv(Map.of("SEKISHO_ADMISSION_WEBHOOK_CONFIG", "Bad_Name")))
        .hasMessageContaining("SEKISHO_ADMISSION_WEBHOOK_CONFIG=Bad_Name");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_ADMISSION_PORT", "70000")))
        .hasMessageContaining("SEKISHO_ADMISSION_PORT");
  }

  @Test
  void caRenewalSettings() {
    assertThat(OperatorConfig.fromEnv(Map.of()).caPolicy()).isEqualTo(CaPolicy.DEFAULT);
    OperatorConfig c =
        OperatorConfig.fromEnv(
            Map.of(
                "SEKISHO_API_CA_VALIDITY", "730d",
                "SEKISHO_API_CA_RENEW_BEFORE", "90d",
                "SEKISHO_API_CA_OVERLAP", "2d"));
    assertThat(c.caPolicy())
        .isEqualTo(new CaPolicy(Duration.ofDays(730), Duration.ofDays(90), Duration.ofDays(2)));
    assertThatThrownBy(
            () ->
                OperatorConfig.fromEnv(
                    Map.of("SEKISHO_API_CA_VALIDITY", "300d", "SEKISHO_API_CA_RENEW_BEFORE", "1y")))
        .hasMessageContaining("SEKISHO_API_CA_RENEW_BEFORE=1y");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_API_CA_VALIDITY", "300d")))
        .hasMessageContaining("SEKISHO_API_CA_RENEW_BEFORE (PT8760H)")
        .hasMessageContaining("SEKISHO_API_CA_VALIDITY (PT7200H)");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_API_CA_OVERLAP", "400d")))
        .hasMessageContaining("SEKISHO_API_CA_OVERLAP (PT9600H) must be shorter than");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_API_CA_OVERLAP", "0s")))
        .hasMessageContaining("SEKISHO_API_CA_OVERLAP=0");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_DB_UPDATE_INTERVAL", "often")))
        .hasMessageContaining("SEKISHO_DB_UPDATE_INTERVAL=often");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_API_PORT", "70000")))
        .hasMessageContaining("SEKISHO_API_PORT");
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_API_INSECURE_HTTP", "maybe")))
        .hasMessageContaining("SEKISHO_API_INSECURE_HTTP=maybe");
  }

  @Test
  void resultRetentionDefaultsToThirtyDaysAndZeroKeepsEveryResult() {
    assertThat(OperatorConfig.fromEnv(Map.of()).resultRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(OperatorConfig.fromEnv(Map.of("SEKISHO_RESULT_RETENTION", "7d")).resultRetention())
        .isEqualTo(Duration.ofDays(7));
    assertThat(OperatorConfig.fromEnv(Map.of("SEKISHO_RESULT_RETENTION", "0")).resultRetention())
        .isZero();
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of("SEKISHO_RESULT_RETENTION", "a month")))
        .hasMessageContaining("SEKISHO_RESULT_RETENTION=a month");
  }
}

package dev.sekisho.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pull Secrets merge as the kubelet reads them: the first entry for a registry wins. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PullSecretsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void dockerConfigJsonAndLegacyDockercfgMergeFirstWins() throws Exception {
    ObjectNode auths = JSON.createObjectNode();
    PullSecrets.merge(
        auths,
        Map.of(
            ".dockerconfigjson", b64("{\"auths\":{\"r.example\":{\"auth\":\"Zmlyc3Q6b25l\"}}}")));
    PullSecrets.merge(
        auths,
        Map.of(
            ".dockercfg",
            b64(
                "{\"r.example\":{\"auth\":\"c2Vjb25kOnR3bw==\"},\"old.example\":{\"auth\":\"eDp5\"}}")));
    PullSecrets.merge(auths, Map.of("token", b64("not a pull secret")));

    assertThat(auths.get("r.example").get("auth").asText()).isEqualTo("Zmlyc3Q6b25l");
    assertThat(auths.get("old.example").get("auth").asText()).isEqualTo("eDp5");
    assertThat(auths.size()).isEqualTo(2);
  }

  @Test
  void anUnreadableSecretIsAnErrorNotACrash() {
    ObjectNode auths = JSON.createObjectNode();
    assertThatThrownBy(
            () -> PullSecrets.merge(auths, Map.of(".dockerconfigjson", b64("{not json"))))
        .isInstanceOf(java.io.IOException.class);
    assertThat(auths.isEmpty()).isTrue();
  }
}

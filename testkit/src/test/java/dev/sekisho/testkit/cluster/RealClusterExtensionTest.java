package dev.sekisho.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** When the real-cluster tests run, skip (with the reason) or fail. */
@Timeout(10)
class RealClusterExtensionTest {

  @Test
  void runsWhenTheMachineCanRunACluster() {
    assertThat(RealClusterExtension.condition(Map.of(), null).isDisabled()).isFalse();
  }

  @Test
  void skipsWithTheReasonWhenTheMachineCannot() {
    ConditionEvaluationResult result =
        RealClusterExtension.condition(Map.of(), "the real test cluster needs root");

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .contains("the real test cluster needs root")
                    .contains(RealClusterExtension.REQUIRE_ENV + "=1"));
  }

  @Test
  void runsAnywayWhenRequiredSoTheStartFailsWithTheReason() {
    assertThat(
            RealClusterExtension.condition(
                    Map.of(RealClusterExtension.REQUIRE_ENV, "1"), "binaries missing")
                .isDisabled())
        .isFalse();
  }

  @Test
  void skipsWhenAskedEvenOnACapableMachine() {
    ConditionEvaluationResult result =
        RealClusterExtension.condition(Map.of(RealClusterExtension.SKIP_ENV, "1"), null);

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason()).hasValueSatisfying(r -> assertThat(r).contains("SKIP"));
  }
}

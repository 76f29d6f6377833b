package dev.sekisho.scanner.cvss;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import org.junit.jupiter.api.Test;

/** Version detection, severity by version and the choice among several vectors. */
class CvssTest {

  private static final String V2 = "AV:N/AC:L/Au:N/C:C/I:C/A:C"; // 10.0
  private static final String V2_LOW = "AV:N/AC:L/Au:N/C:P/I:P/A:P"; // 7.5
  private static final String V30 = "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N"; // 3.1
  private static final String V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"; // 7.5
  private static final String V31_HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"; // 9.8
  private static final String V40 =
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"; // 8.7

  @Test
  void versionFromTheLabel() {
    assertThat(Cvss.version(V2)).isEqualTo(2);
    assertThat(Cvss.version("(" + V2 + ")")).isEqualTo(2);
    assertThat(Cvss.version("CVSS:2.0/" + V2)).isEqualTo(2);
    assertThat(Cvss.version(V30)).isEqualTo(3);
    assertThat(Cvss.version(V31)).isEqualTo(3);
    assertThat(Cvss.version(V40)).isEqualTo(4);
    assertThat(Cvss.version("CVSS:3.2/AV:N")).isZero();
    assertThat(Cvss.version(null)).isZero();
  }

  @Test
  void v2ScoresAreRatedWithTheV2TableWhichHasNoCritical() {
    assertThat(Cvss.severityOf(V2, 10.0)).isEqualTo(Severity.High);
    assertThat(Cvss.severityOf("(" + V2 + ")", 9.0)).isEqualTo(Severity.High);
    assertThat(Cvss.severityOf("CVSS:2.0/" + V2, 7.0)).isEqualTo(Severity.High);
    assertThat(Cvss.severityOf(V2, 6.9)).isEqualTo(Severity.Medium);
    assertThat(Cvss.severityOf(V2, 4.0)).isEqualTo(Severity.Medium);
    assertThat(Cvss.severityOf(V2, 3.9)).isEqualTo(Severity.Low);
    assertThat(Cvss.severityOf(V2, 0.0)).isEqualTo(Severity.Low);
  }

  @Test
  void v3AndV4ScoresAreRatedWithTheV31Table() {
    assertThat(Cvss.severityOf(V31, 9.0)).isEqualTo(Severity.Critical);
    assertThat(Cvss.severityOf(V31, 8.9)).isEqualTo(Severity.High);
    assertThat(Cvss.severityOf(V30, 10.0)).isEqualTo(Severity.Critical);
    assertThat(Cvss.severityOf(V40, 9.3)).isEqualTo(Severity.Critical);
    assertThat(Cvss.severityOf(V40, 6.9)).isEqualTo(Severity.Medium);
    assertThat(Cvss.severityOf(V40, 3.9)).isEqualTo(Severity.Low);
  }

  @Test
  void theNewestVersionIsPreferredWhateverTheScores() {
    assertThat(Cvss.preferred(V31, 7.5, V2, 10.0)).isTrue();
    assertThat(Cvss.preferred(V2, 10.0, V31, 7.5)).isFalse();
    assertThat(Cvss.preferred(V40, 8.7, V31_HIGH, 9.8)).isTrue();
    assertThat(Cvss.preferred(V31_HIGH, 9.8, V40, 8.7)).isFalse();
    assertThat(Cvss.preferred(V30, 3.1, V2, 10.0)).isTrue();
  }

  @Test
  void withinOneVersionTheHigherScoreAndOnATieTheFirst() {
    assertThat(Cvss.preferred(V31_HIGH, 9.8, V31, 7.5)).isTrue();
    assertThat(Cvss.preferred(V31, 7.5, V31_HIGH, 9.8)).isFalse();
    assertThat(Cvss.preferred(V30, 3.1, V31, 7.5)).as("v3.0 and v3.1 are one version").isFalse();
    assertThat(Cvss.preferred(V2, 10.0, V2_LOW, 7.5)).isTrue();
    assertThat(Cvss.preferred(V31, 7.5, V31, 7.5)).isFalse();
  }

  @Test
  void aScoredVectorBeatsAnUnscoredOneAndAnyBeatsNone() {
    String brokenV4 = "CVSS:4.0/AV:N";
    assertThat(Cvss.preferred(V2, 7.5, brokenV4, null)).isTrue();
    assertThat(Cvss.preferred(brokenV4, null, V2, 7.5)).isFalse();
    assertThat(Cvss.preferred(brokenV4, null, null, null)).isTrue();
    assertThat(Cvss.preferred(V2, 7.5, null, null)).isTrue();
    assertThat(Cvss.preferred(brokenV4, null, "AV:N", null)).as("both unscored: newer").isTrue();
  }
}

package dev.sekisho.scanner.cvss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.sekisho.api.v1alpha1.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class CvssV3Test {

  @TestFactory
  Stream<DynamicTest> publishedScores() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ScoreTable row : ScoreTable.read("cvss-v3-scores.txt")) {
      tests.add(
          dynamicTest(
              row.line(),
              () -> {
                assertThat(CvssV3.parse(row.vector()).baseScore()).isEqualTo(row.score());
                assertThat(Cvss.baseScore(row.vector())).contains(row.score());
              }));
    }
    assertThat(tests).hasSizeGreaterThan(20);
    return tests.stream();
  }

  @Test
  void roundUpAvoidsFloatingPointArtefacts() {
    // the specification's own example: 4.000000000000001 must round to 4.0, not 4.1
    assertThat(CvssV3.roundUp(4.000000000000001, 1)).isEqualTo(4.0);
    assertThat(CvssV3.roundUp(4.02, 1)).isEqualTo(4.1);
  }

  @Test
  void rejectsBrokenVectorsWithTheVectorInTheMessage() {
    assertThatThrownBy(() -> CvssV3.parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"))
        .hasMessageContaining("missing base metric A");
    assertThatThrownBy(() -> CvssV3.parse("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
        .hasMessageContaining("AV:X");
    assertThat(Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H")).isEmpty();
    assertThat(Cvss.baseScore("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).isEmpty();
  }

  @Test
  void severityBands() {
    assertThat(Cvss.severityOf(9.0)).isEqualTo(Severity.Critical);
    assertThat(Cvss.severityOf(8.9)).isEqualTo(Severity.High);
    assertThat(Cvss.severityOf(7.0)).isEqualTo(Severity.High);
    assertThat(Cvss.severityOf(6.9)).isEqualTo(Severity.Medium);
    assertThat(Cvss.severityOf(4.0)).isEqualTo(Severity.Medium);
    assertThat(Cvss.severityOf(3.9)).isEqualTo(Severity.Low);
  }
}

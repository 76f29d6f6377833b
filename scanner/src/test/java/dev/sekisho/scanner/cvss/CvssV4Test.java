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

class CvssV4Test {

  @TestFactory
  Stream<DynamicTest> referenceScores() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ScoreTable row : ScoreTable.read("cvss-v4-scores.txt")) {
      tests.add(
          dynamicTest(
              row.line(),
              () -> {
                assertThat(CvssV4.parse(row.vector()).score()).isEqualTo(row.score());
                assertThat(Cvss.baseScore(row.vector())).contains(row.score());
              }));
    }
    assertThat(tests).hasSizeGreaterThan(150);
    return tests.stream();
  }

  @Test
  void macroVectorOfTheHighestVector() {
    assertThat(CvssV4.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"))
        .satisfies(
            c -> {
              assertThat(c.macroVector()).isEqualTo("000100");
              assertThat(c.score()).isEqualTo(10.0);
            });
  }

  @Test
  void supplementalMetricsDoNotChangeTheScore() {
    String base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N";
    assertThat(CvssV4.parse(base + "/S:P/AU:Y/R:I/V:C/RE:H/U:Red").score())
        .isEqualTo(CvssV4.parse(base).score())
        .isEqualTo(8.7);
    assertThat(Cvss.severityOf(CvssV4.parse(base).score())).isEqualTo(Severity.High);
  }

  @Test
  void rejectsBrokenVectorsWithTheVectorInTheMessage() {
    assertThatThrownBy(
            () -> CvssV4.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"))
        .hasMessageContaining("missing base metric SA");
    assertThatThrownBy(
            () -> CvssV4.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:J"))
        .hasMessageContaining("SA:J")
        .hasMessageContaining("CVSS:4.0/AV:N");
    assertThatThrownBy(
            () ->
                CvssV4.parse(
                    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/JJ:H"))
        .hasMessageContaining("unknown metric \"JJ:H\"");
    assertThatThrownBy(
            () -> CvssV4.parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SI:H"))
        .hasMessageContaining("repeated metric SI");
    assertThat(Cvss.baseScore("CVSS:4.0/AV:N")).isEmpty();
  }
}

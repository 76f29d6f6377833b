package dev.sekisho.scanner.cvss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class CvssV2Test {

  @TestFactory
  Stream<DynamicTest> specificationAndPublishedScores() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ScoreTable row : ScoreTable.read("cvss-v2-scores.txt")) {
      tests.add(
          dynamicTest(
              row.line(),
              () -> {
                assertThat(CvssV2.parse(row.vector()).baseScore()).isEqualTo(row.score());
                assertThat(Cvss.baseScore(row.vector())).contains(row.score());
                assertThat(Cvss.version(row.vector())).isEqualTo(2);
              }));
    }
    assertThat(tests).hasSizeGreaterThan(20);
    return tests.stream();
  }

  @Test
  void keepsTheVectorAsGiven() {
    assertThat(CvssV2.parse("(AV:N/AC:L/Au:N/C:P/I:P/A:P)").vector())
        .isEqualTo("(AV:N/AC:L/Au:N/C:P/I:P/A:P)");
  }

  @Test
  void rejectsBrokenVectorsNamingTheVectorAndThePart() {
    String missing = "AV:N/AC:L/Au:N/C:P/I:P";
    assertThatThrownBy(() -> CvssV2.parse(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("missing base metric A in CVSS v2 vector " + missing);
    String repeated = "AV:N/AC:L/Au:N/C:P/I:P/A:P/AV:L";
    assertThatThrownBy(() -> CvssV2.parse(repeated))
        .hasMessage("repeated metric AV in CVSS v2 vector " + repeated);
    String badValue = "AV:X/AC:L/Au:N/C:P/I:P/A:P";
    assertThatThrownBy(() -> CvssV2.parse(badValue))
        .hasMessage("invalid value AV:X in CVSS v2 vector " + badValue);
    // v3 spellings are not v2 values
    String v3Value = "AV:N/AC:L/Au:N/C:H/I:P/A:P";
    assertThatThrownBy(() -> CvssV2.parse(v3Value))
        .hasMessage("invalid value C:H in CVSS v2 vector " + v3Value);
    String lowerCase = "AV:N/AC:L/AU:N/C:P/I:P/A:P";
    assertThatThrownBy(() -> CvssV2.parse(lowerCase))
        .hasMessage("unknown metric AU:N in CVSS v2 vector " + lowerCase);
    String badTemporal = "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X";
    assertThatThrownBy(() -> CvssV2.parse(badTemporal))
        .hasMessage("invalid value E:X in CVSS v2 vector " + badTemporal);
    String trailingSlash = "AV:N/AC:L/Au:N/C:P/I:P/A:P/";
    assertThatThrownBy(() -> CvssV2.parse(trailingSlash))
        .hasMessage("malformed metric \"\" in CVSS v2 vector " + trailingSlash);
    String noValue = "AV:N/AC:L/Au:N/C:P/I:P/A:";
    assertThatThrownBy(() -> CvssV2.parse(noValue))
        .hasMessage("malformed metric \"A:\" in CVSS v2 vector " + noValue);
    String unbalanced = "(AV:N/AC:L/Au:N/C:P/I:P/A:P";
    assertThatThrownBy(() -> CvssV2.parse(unbalanced))
        .hasMessage("unbalanced parenthesis in CVSS v2 vector " + unbalanced);
    String v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    assertThatThrownBy(() -> CvssV2.parse(v3)).hasMessage("not a CVSS v2 vector: " + v3);
    assertThatThrownBy(() -> CvssV2.parse("")).hasMessage("empty CVSS v2 vector");
    assertThatThrownBy(() -> CvssV2.parse(null)).hasMessage("empty CVSS v2 vector");
  }

  @Test
  void brokenVectorsHaveNoScore() {
    assertThat(Cvss.baseScore("AV:N/AC:L/Au:N/C:P/I:P")).isEmpty();
    assertThat(Cvss.baseScore("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P/RL:X")).isEmpty();
    assertThat(Cvss.baseScore("not a vector")).isEmpty();
    assertThat(Cvss.baseScore(null)).isEmpty();
  }
}

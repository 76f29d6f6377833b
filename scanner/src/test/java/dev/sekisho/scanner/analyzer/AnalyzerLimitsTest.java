package dev.sekisho.scanner.analyzer;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A malformed analyzer limit is named before any analyzer reads it. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AnalyzerLimitsTest {
  @Test
  void wholeNumbersAndAbsentPropertiesAreAccepted() {
    Properties p = new Properties();
    assertThatCode(() -> AnalyzerLimits.validate(p)).doesNotThrowAnyException();
    p.setProperty(AnalyzerLimits.MAX_FILE_SIZE, "268435456");
    p.setProperty(AnalyzerLimits.MAX_LINE_LENGTH, " 1024 ");
    p.setProperty(AnalyzerLimits.MAX_PACKAGES, "5");
    assertThatCode(() -> AnalyzerLimits.validate(p)).doesNotThrowAnyException();
  }

  @Test
  void eachMalformedPropertyIsNamedWithItsValue() {
    for (String name :
        new String[] {
          AnalyzerLimits.MAX_FILE_SIZE, AnalyzerLimits.MAX_LINE_LENGTH, AnalyzerLimits.MAX_PACKAGES
        }) {
      Properties p = new Properties();
      p.setProperty(name, "lots");
      assertThatThrownBy(() -> AnalyzerLimits.validate(p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid -D" + name + "=lots: expected a whole number");
    }
  }
}

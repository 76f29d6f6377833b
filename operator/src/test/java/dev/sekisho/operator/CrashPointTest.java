package dev.sekisho.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The crash-point testing aid: inert unless armed, refused when misspelt, never shipped armed. */
@Timeout(60)
class CrashPointTest {
  @AfterEach
  void disarm() {
    CrashPoint.arm(Map.of());
  }

  @Test
  void unsetOrBlankArmsNothing() {
    assertThat(CrashPoint.arm(Map.of())).isNull();
    assertThat(CrashPoint.arm(Map.of(CrashPoint.ENV, " "))).isNull();
    // reaching any point then does nothing (a halt would end this JVM)
    for (CrashPoint p : CrashPoint.values()) {
      p.reach();
    }
  }

  @Test
  void aKnownPointIsArmedByItsName() {
    assertThat(CrashPoint.arm(Map.of(CrashPoint.ENV, "after-store")))
        .isEqualTo(CrashPoint.AFTER_STORE);
    // another point than the armed one does nothing
    CrashPoint.BEFORE_STORE.reach();
  }

  @Test
  void anUnknownPointIsRefusedNamingTheVariableAndThePoints() {
    assertThatThrownBy(() -> CrashPoint.arm(Map.of(CrashPoint.ENV, "sometime")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SEKISHO_CRASH_AT=sometime")
        .hasMessageContaining("before-store")
        .hasMessageContaining("db-swapped");
  }
}

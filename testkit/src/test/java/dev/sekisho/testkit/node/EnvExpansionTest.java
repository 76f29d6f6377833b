package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpansionTest {
  private final Map<String, String> env = Map.of("A", "1", "HOME", "/home/x");

  @Test
  void expandsAsTheKubeletDoes() {
    // cases from Kubernetes' third_party/forked/golang/expansion/expand_test.go
    assertThat(EnvExpansion.expand("$(A)", env)).isEqualTo("1");
    assertThat(EnvExpansion.expand("x$(A)y$(HOME)", env)).isEqualTo("x1y/home/x");
    assertThat(EnvExpansion.expand("$(UNDEFINED)", env)).isEqualTo("$(UNDEFINED)");
    assertThat(EnvExpansion.expand("$$(A)", env)).isEqualTo("$(A)");
    assertThat(EnvExpansion.expand("$$$(A)", env)).isEqualTo("$1");
    assertThat(EnvExpansion.expand("$(A", env)).isEqualTo("$(A");
    assertThat(EnvExpansion.expand("$A $", env)).isEqualTo("$A $");
    assertThat(EnvExpansion.expand("$()", env)).isEqualTo("$()");
  }
}

package dev.sekisho.scanner.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table in validator-cases.yaml: a spec and the exact problems expected of it. */
class PolicyValidatorTest {
  record Case(String name, ScanPolicySpec spec, List<String> problems) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final ObjectMapper MAPPER =
      YAMLMapper.builder().addModule(new JavaTimeModule()).build();

  static Stream<Case> cases() throws IOException {
    try (InputStream in = PolicyValidatorTest.class.getResourceAsStream("validator-cases.yaml")) {
      return Stream.of(MAPPER.readValue(in, Case[].class));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validates(Case c) {
    assertThat(PolicyValidator.validate(c.spec())).containsExactlyElementsOf(c.problems());
  }
}

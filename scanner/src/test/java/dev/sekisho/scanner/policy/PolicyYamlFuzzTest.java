package dev.sekisho.scanner.policy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the reading of Yaml policy files and the validation the CLI runs on each policy read. Any
 * bytes give policies (and validation problems) or a {@link PolicyFileException} naming the file.
 */
class PolicyYamlFuzzTest {
  private static final int MAX_INPUT = 16 << 10;

  @FuzzTest(maxDuration = "2m")
  @Timeout(10)
  void policyYaml(byte[] data) {
    if (data.length > MAX_INPUT) {
      return;
    }
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      for (NamedPolicy p : PolicyFiles.parse(text, "policy.yaml", false)) {
        PolicyValidator.validate(p.spec());
      }
    } catch (PolicyFileException expected) {
      // documented
    }
  }
}

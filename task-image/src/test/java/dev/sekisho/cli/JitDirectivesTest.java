package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.testkit.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The JIT directives both launchers pass to the JVM (task-image/src/main/jib/app): the JVM accepts
 * every directive, the classes they name exist (a rename would silently leave a hot path to C1),
 * and with the launchers' flags the JVM prints nothing on stdout, where reports may go.
 */
class JitDirectivesTest {
  private static final Path FILE = Path.of("src/main/jib/app/jit-directives.json");

  @Test
  void everyDirectiveIsWellFormedAndNamesExistingClasses() throws IOException {
    JsonNode directives = new ObjectMapper().readTree(FILE.toFile());
    assertThat(directives.isArray()).isTrue();
    for (JsonNode directive : directives) {
      List<String> keys = new ArrayList<>();
      directive.fieldNames().forEachRemaining(keys::add);
      // the JVM ignores keys it does not know: a typo would silently change nothing
      assertThat(keys).containsExactlyInAnyOrder("match", "c2");
      assertThat(directive.get("c2").properties())
          .singleElement()
          .satisfies(e -> assertThat(e.getKey()).isEqualTo("Exclude"));
      JsonNode match = directive.get("match");
      List<String> patterns = new ArrayList<>();
      if (match.isArray()) {
        match.forEach(m -> patterns.add(m.asText()));
      } else {
        patterns.add(match.asText());
      }
      for (String pattern : patterns) {
        String type = pattern.substring(0, pattern.lastIndexOf('.'));
        if (!type.contains("*")) {
          assertThat(classExists(type.replace('/', '.'))).as(pattern).isTrue();
        }
      }
    }
    // the last directive sends everything else to C1
    JsonNode last = directives.get(directives.size() - 1);
    assertThat(last.get("match").asText()).isEqualTo("*.*");
    assertThat(last.get("c2").get("Exclude").asBoolean()).isTrue();
  }

  @Test
  void theJvmAcceptsEveryDirectiveAndKeepsStdoutClean() throws Exception {
    int count = new ObjectMapper().readTree(FILE.toFile()).size();
    String java = ProcessHandle.current().info().command().orElse("java");
    String directives = "-XX:CompilerDirectivesFile=" + FILE.toAbsolutePath();
    Run loud = run(java, "-XX:+UnlockDiagnosticVMOptions", directives, "-version");
    assertThat(loud.exit()).as(loud.err()).isZero();
    assertThat(loud.out()).contains(count + " compiler directives added");

    Run quiet =
        run(java, "-XX:+UnlockDiagnosticVMOptions", directives, "-XX:-DisplayVMOutput", "-version");
    assertThat(quiet.exit()).as(quiet.err()).isZero();
    assertThat(quiet.out()).isEmpty();
    assertThat(quiet.err()).contains("version").doesNotContain("directives");
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... command) throws Exception {
    ChildProcess.Result r = ChildProcess.run(new ProcessBuilder(command), Duration.ofSeconds(60));
    return new Run(r.exitCode(), r.stdout(), r.stderr());
  }

  private static boolean classExists(String name) {
    try {
      Class.forName(name, false, JitDirectivesTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Test
  void bothLaunchersUseTheDirectives() throws IOException {
    Path root = Path.of("..");
    for (Path launcher :
        Set.of(root.resolve("sekisho"), Path.of("src/main/jib/usr/local/bin/sekisho"))) {
      assertThat(Files.readString(launcher))
          .as(launcher.toString())
          .contains("jit-directives.json", "-XX:-DisplayVMOutput");
    }
    assertThat(Files.readString(Path.of("Dockerfile")))
        .contains("COPY src/main/jib/app/jit-directives.json /app/jit-directives.json");
  }
}

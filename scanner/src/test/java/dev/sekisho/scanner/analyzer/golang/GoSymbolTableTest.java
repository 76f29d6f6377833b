package dev.sekisho.scanner.analyzer.golang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
import dev.sekisho.testkit.fixtures.GoReachabilityBinaries;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pclntab reader on binaries the Go toolchain builds from real modules. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GoSymbolTableTest {
  private static final String LANGUAGE = "golang.org/x/text/language";
  private final GoReachabilityBinaries binaries = new GoReachabilityBinaries();

  @TempDir Path tmp;

  private static GoSymbolTable.Result read(Path binary) throws Exception {
    try (FileChannel ch = FileChannel.open(binary, StandardOpenOption.READ)) {
      return GoSymbolTable.read(ElfFile.read(ch));
    }
  }

  @Test
  void functionsAndInlinedFunctionsOfAnUnstrippedBinary() throws Exception {
    GoSymbolTable.Result r = read(binaries.calls());
    assertThat(r.inlinedRead()).isTrue();
    assertThat(r.packages().get(LANGUAGE)).contains("Parse", "Tag.String");
    assertThat(r.packages().get(LANGUAGE)).doesNotContain("ParseAcceptLanguage", "MatchStrings");
    assertThat(r.packages().get("main")).contains("main");
    assertThat(r.packages().get("fmt")).contains("Println", "Fprintln");
    // generic instantiations and pointer receivers in govulncheck's form
    assertThat(r.packages().get("sync")).contains("Mutex.Lock");
    assertThat(r.packages().keySet()).noneMatch(p -> p.startsWith("type:") || p.startsWith("go:"));
  }

  @Test
  void strippedBinaryKeepsItsFunctionNamesButNotItsInlineTrees() throws Exception {
    GoSymbolTable.Result full = read(binaries.calls());
    GoSymbolTable.Result r = read(binaries.callsStripped());
    assertThat(r.inlinedRead()).isFalse();
    assertThat(r.packages().get(LANGUAGE)).contains("Tag.String");
    // language.Parse was inlined into main.main: only the inline tree names it
    assertThat(full.packages().get(LANGUAGE)).contains("Parse");
    assertThat(r.packages().get(LANGUAGE)).doesNotContain("Parse");
    // some functions exist only as inlined copies: only the inline trees name them
    long inlinedOnly =
        full.packages().entrySet().stream()
            .mapToLong(
                e ->
                    e.getValue().stream()
                        .filter(s -> !r.packages().getOrDefault(e.getKey(), Set.of()).contains(s))
                        .count())
            .sum();
    assertThat(inlinedOnly).isPositive();
  }

  @Test
  void binaryWithoutTheVulnerablePackage() throws Exception {
    GoSymbolTable.Result r = read(binaries.noLanguage());
    assertThat(r.packages()).doesNotContainKey(LANGUAGE).containsKey("golang.org/x/text/width");
  }

  @Test
  void truncatedTableIsAnErrorNamingTheSection() throws Exception {
    byte[] bytes = Files.readAllBytes(binaries.calls());
    Path copy = tmp.resolve("broken");
    try (FileChannel ch = FileChannel.open(binaries.calls(), StandardOpenOption.READ)) {
      ElfFile.Section s = ElfFile.read(ch).section(".gopclntab");
      // the function table's offset points past the section
      for (int i = 8 + 7 * 8; i < 8 + 8 * 8; i++) {
        bytes[(int) s.offset() + i] = (byte) 0x7f;
      }
    }
    Files.write(copy, bytes);
    assertThatThrownBy(() -> read(copy))
        .isInstanceOf(ElfFormatException.class)
        .hasMessageContaining(".gopclntab");
  }

  @Test
  void namesSplitAsGovulncheckDoes() {
    assertThat(GoSymbolTable.split("golang.org/x/text/language.(*Tag).String", true))
        .containsExactly(LANGUAGE, "Tag.String");
    assertThat(GoSymbolTable.split("golang.org/x/text/language.Parse", true))
        .containsExactly(LANGUAGE, "Parse");
    assertThat(GoSymbolTable.split("gopkg.in/yaml%2ev3.Unmarshal", true))
        .containsExactly("gopkg.in/yaml.v3", "Unmarshal");
    assertThat(GoSymbolTable.split("slices.Sort[go.shape.string]", true))
        .containsExactly("slices", "Sort");
    assertThat(GoSymbolTable.split("net/http.(*Server).Serve.func1", true))
        .containsExactly("net/http", "Server).Serve.func1"); // govulncheck's Trim(r, "(*)")
    assertThat(GoSymbolTable.split("go.opentelemetry.io/otel.Tracer", true))
        .containsExactly("go.opentelemetry.io/otel", "Tracer");
    assertThat(GoSymbolTable.split("type:.eq.main.T", true)).isNull();
    assertThat(GoSymbolTable.split("go:buildid", true)).isNull();
    assertThat(GoSymbolTable.split("go.buildid", false)).isNull();
  }
}

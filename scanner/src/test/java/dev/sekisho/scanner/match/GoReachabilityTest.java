package dev.sekisho.scanner.match;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.golang.GoBinaryAnalyzer;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import dev.sekisho.testkit.fixtures.ExternalTool;
import dev.sekisho.testkit.fixtures.GoReachabilityBinaries;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reachability of Go findings on binaries the Go toolchain builds from golang.org/x/text v0.3.5,
 * with the Go vulnerability database's real records GO-2021-0113 (symbols include {@code Parse})
 * and GO-2022-1059 ({@code ParseAcceptLanguage}, {@code MatchStrings}); compared with govulncheck
 * {@code -mode=binary} on the same binaries and records.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class GoReachabilityTest {
  private static final List<String> RECORDS = List.of("GO-2021-0113", "GO-2022-1059");
  private static final GoReachabilityBinaries BINARIES = new GoReachabilityBinaries();

  @TempDir static Path dir;
  private static VulnDatabase db;

  @BeforeAll
  static void database() throws Exception {
    Path zip = dir.resolve("osv.zip");
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (String id : RECORDS) {
        z.putNextEntry(new ZipEntry(id + ".json"));
        z.write(record(id));
        z.closeEntry();
      }
    }
    new DatabaseUpdater().update(SourcesConfig.local(List.of(zip)), dir.resolve("db"), l -> {});
    db = VulnDatabase.open(dir.resolve("db"));
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  private static byte[] record(String id) throws Exception {
    try (InputStream in =
        GoReachabilityTest.class.getResourceAsStream("go-reachability/" + id + ".json")) {
      return in.readAllBytes();
    }
  }

  /** Advisory id to reachability of the x/text findings of {@code binary}. */
  private static Map<String, Reachability> sekisho(Path binary) throws Exception {
    AnalysisResult r =
        FixtureInput.of("app", binary).withMode(0755).analyzeWith(new GoBinaryAnalyzer());
    assertThat(r.warnings()).isEmpty();
    Map<String, Reachability> out = new TreeMap<>();
    for (Vulnerability v : new VulnerabilityMatcher(db).match(null, r.packages())) {
      if (v.pkg().name().equals("golang.org/x/text")) {
        out.put(
            v.aliases().stream().filter(a -> a.startsWith("GO-")).findFirst().orElse(v.id()),
            v.reachability());
      }
    }
    return out;
  }

  @Test
  void aCalledSymbolIsReachableAndAnUncalledOneIsNot() throws Exception {
    assertThat(sekisho(BINARIES.calls()))
        .isEqualTo(
            Map.of(
                "GO-2021-0113", Reachability.REACHABLE,
                "GO-2022-1059", Reachability.UNREACHABLE));
  }

  @Test
  void aBinaryWithoutTheVulnerablePackageReachesNeither() throws Exception {
    assertThat(sekisho(BINARIES.noLanguage()))
        .isEqualTo(
            Map.of(
                "GO-2021-0113", Reachability.UNREACHABLE,
                "GO-2022-1059", Reachability.UNREACHABLE));
  }

  @Test
  void aStrippedBinaryIsNeverUnreachable() throws Exception {
    // language.Parse was inlined into main.main; without .symtab the inline trees are unreadable
    assertThat(sekisho(BINARIES.callsStripped()))
        .isEqualTo(
            Map.of(
                "GO-2021-0113", Reachability.UNKNOWN,
                "GO-2022-1059", Reachability.UNKNOWN));
  }

  /**
   * govulncheck {@code -mode=binary} with a local database of the same two records: an advisory is
   * "called" when govulncheck reports a finding down to a function. Sekisho's true/false equal
   * govulncheck's called/not called on unstripped binaries; on a stripped one govulncheck falls
   * back to module precision and calls every advisory, where Sekisho says unknown.
   */
  @Test
  void agreesWithGovulncheck() throws Exception {
    Path govulncheck = BINARIES.govulncheck();
    Path gdb = dir.resolve("govulndb");
    Files.createDirectories(gdb.resolve("ID"));
    Files.createDirectories(gdb.resolve("index"));
    StringBuilder vulns = new StringBuilder();
    for (String id : RECORDS) {
      Files.write(gdb.resolve("ID").resolve(id + ".json"), record(id));
      JsonNode rec = new ObjectMapper().readTree(record(id));
      String fixed = rec.at("/affected/0/ranges/0/events/1/fixed").asText();
      vulns
          .append(vulns.isEmpty() ? "" : ",")
          .append(
              "{\"id\":\"%s\",\"modified\":\"%s\",\"fixed\":\"%s\"}"
                  .formatted(id, rec.get("modified").asText(), fixed));
    }
    Files.writeString(gdb.resolve("index/db.json"), "{\"modified\":\"2024-05-20T16:03:47Z\"}");
    Files.writeString(
        gdb.resolve("index/modules.json"),
        "[{\"path\":\"golang.org/x/text\",\"vulns\":[" + vulns + "]}]");

    for (Path binary : List.of(BINARIES.calls(), BINARIES.noLanguage())) {
      Map<String, Boolean> called = govulncheck(govulncheck, gdb, binary);
      Map<String, Reachability> ours = sekisho(binary);
      for (String id : RECORDS) {
        boolean reached = called.getOrDefault(id, false);
        assertThat(ours.get(id))
            .as("%s %s (govulncheck called: %s)", binary.getFileName(), id, reached)
            .isEqualTo(reached ? Reachability.REACHABLE : Reachability.UNREACHABLE);
      }
    }
    Map<String, Boolean> stripped = govulncheck(govulncheck, gdb, BINARIES.callsStripped());
    assertThat(stripped).containsEntry("GO-2021-0113", true).containsEntry("GO-2022-1059", true);
    assertThat(sekisho(BINARIES.callsStripped())).containsValues(Reachability.UNKNOWN);
  }

  /** Advisory id to whether govulncheck found one of its symbols (a finding with a function). */
  private static Map<String, Boolean> govulncheck(Path exe, Path gdb, Path binary)
      throws Exception {
    String json =
        new ExternalTool("govulncheck", exe)
            .run(
                dir,
                Map.of("GOTOOLCHAIN", "local"),
                Duration.ofMinutes(5),
                List.of(
                    "-db",
                    gdb.toUri().toString(),
                    "-mode=binary",
                    "-format",
                    "json",
                    binary.toString()));
    Map<String, Boolean> out = new TreeMap<>();
    try (MappingIterator<JsonNode> it =
        new ObjectMapper().readerFor(JsonNode.class).readValues(json)) {
      while (it.hasNext()) {
        JsonNode finding = it.next().get("finding");
        if (finding != null) {
          boolean symbol = finding.at("/trace/0/function").isTextual();
          out.merge(finding.get("osv").asText(), symbol, Boolean::logicalOr);
        }
      }
    }
    return out;
  }
}

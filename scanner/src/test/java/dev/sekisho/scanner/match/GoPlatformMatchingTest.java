package dev.sekisho.scanner.match;

import static dev.sekisho.scanner.vulndb.OsvFixtures.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageMetadata;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.vulndb.AffectedEntry;
import dev.sekisho.scanner.vulndb.DatabaseUpdater;
import dev.sekisho.scanner.vulndb.OsvFixtures;
import dev.sekisho.scanner.vulndb.SourcesConfig;
import dev.sekisho.scanner.vulndb.VulnDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Go advisories limited to other platforms ({@code ecosystem_specific.imports[].goos}/{@code
 * goarch}) are not findings for a binary built for another GOOS/GOARCH, as in govulncheck's module
 * scan; the lists survive the compiled database.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GoPlatformMatchingTest {

  @TempDir Path dir;
  private VulnDatabase db;

  private static Map<String, Object> imports(Map<String, Object>... imports) {
    return Map.of("imports", List.of(imports));
  }

  @BeforeEach
  @SuppressWarnings("unchecked")
  void database() throws Exception {
    Path zip = dir.resolve("osv.zip");
    Files.write(
        zip,
        OsvFixtures.zip(
            List.of(
                // like GO-2022-0969's Windows-only golang.org/x/sys/windows entry
                rec("GO-2099-0001")
                    .affected(
                        "Go",
                        "golang.org/x/sys",
                        List.of("i:0", "f:0.1.0"),
                        null,
                        imports(
                            Map.of(
                                "path", "golang.org/x/sys/windows",
                                "goos", List.of("windows"),
                                "symbols", List.of("NewLazyDLL")))),
                // one import limited, one not: applies everywhere
                rec("GO-2099-0002")
                    .affected(
                        "Go",
                        "golang.org/x/sys",
                        List.of("i:0", "f:0.2.0"),
                        null,
                        imports(
                            Map.of("path", "golang.org/x/sys/windows", "goos", List.of("windows")),
                            Map.of("path", "golang.org/x/sys/unix"))),
                // no imports at all: applies everywhere
                rec("GO-2099-0003")
                    .affected("Go", "golang.org/x/sys", List.of("i:0", "f:0.3.0"), null),
                // architecture-limited
                rec("GO-2099-0004")
                    .affected(
                        "Go",
                        "golang.org/x/sys",
                        List.of("i:0", "f:0.4.0"),
                        null,
                        imports(
                            Map.of(
                                "path", "golang.org/x/sys/cpu",
                                "goos", List.of("linux", "darwin"),
                                "goarch", List.of("386", "arm")))),
                // standard library, Windows and Darwin only
                rec("GO-2099-0005")
                    .affected(
                        "Go",
                        "stdlib",
                        List.of("i:0", "f:1.22.5"),
                        null,
                        imports(
                            Map.of(
                                "path", "os",
                                "goos", List.of("windows", "darwin"),
                                "symbols", List.of("ReadDir")))),
                rec("GO-2099-0006")
                    .affected(
                        "Go",
                        "stdlib",
                        List.of("i:0", "f:1.22.5"),
                        null,
                        imports(Map.of("path", "net/http", "symbols", List.of("Serve"))))),
            Map.of()));
    Path dbDir = dir.resolve("db");
    new DatabaseUpdater().update(SourcesConfig.local(List.of(zip)), dbDir, line -> {});
    db = VulnDatabase.open(dbDir);
  }

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  private static List<Package> binary(String goos, String goarch) {
    PackageMetadata.GoModule meta = new PackageMetadata.GoModule("go1.22.3", false, goos, goarch);
    Location at = new Location(null, "/app");
    return List.of(
        new Package(
            PackageType.GOLANG, "golang.org/x/sys", "v0.0.1", null, null, null, null, at, meta),
        new Package(PackageType.GOLANG, "stdlib", "v1.22.3", null, null, null, null, at, meta));
  }

  private List<String> findings(String goos, String goarch) throws Exception {
    return new VulnerabilityMatcher(db)
        .match(null, binary(goos, goarch)).stream()
            .map(v -> v.pkg().name() + " " + v.id())
            .toList();
  }

  @Test
  void theCompiledDatabaseKeepsTheImportsPlatforms() throws Exception {
    List<AffectedEntry> sys =
        db.affected("Go", List.of("golang.org/x/sys")).get("golang.org/x/sys");
    assertThat(sys)
        .extracting(AffectedEntry::platforms)
        .containsExactlyInAnyOrder(
            List.of(new AffectedEntry.Platform(List.of("windows"), List.of())),
            List.of(),
            List.of(),
            List.of(new AffectedEntry.Platform(List.of("linux", "darwin"), List.of("386", "arm"))));
  }

  @Test
  void advisoriesForOtherPlatformsAreNotFindingsForALinuxBinary() throws Exception {
    assertThat(findings("linux", "amd64"))
        .containsExactly(
            "golang.org/x/sys GO-2099-0002",
            "golang.org/x/sys GO-2099-0003",
            "stdlib GO-2099-0006");
  }

  @Test
  void aWindowsBinaryGetsTheWindowsAdvisories() throws Exception {
    assertThat(findings("windows", "amd64"))
        .containsExactly(
            "golang.org/x/sys GO-2099-0001",
            "golang.org/x/sys GO-2099-0002",
            "golang.org/x/sys GO-2099-0003",
            "stdlib GO-2099-0005",
            "stdlib GO-2099-0006");
  }

  @Test
  void bothGoosAndGoarchMustMatch() throws Exception {
    assertThat(findings("linux", "386")).contains("golang.org/x/sys GO-2099-0004");
    assertThat(findings("windows", "386")).doesNotContain("golang.org/x/sys GO-2099-0004");
  }

  @Test
  void anUnknownPlatformMatchesEveryAdvisory() throws Exception {
    assertThat(findings(null, null))
        .containsExactly(
            "golang.org/x/sys GO-2099-0001",
            "golang.org/x/sys GO-2099-0002",
            "golang.org/x/sys GO-2099-0003",
            "golang.org/x/sys GO-2099-0004",
            "stdlib GO-2099-0005",
            "stdlib GO-2099-0006");
  }
}

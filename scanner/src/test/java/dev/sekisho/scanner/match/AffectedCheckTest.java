package dev.sekisho.scanner.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.sekisho.scanner.version.ApkVersion;
import dev.sekisho.scanner.version.DpkgVersion;
import dev.sekisho.scanner.version.MavenVersion;
import dev.sekisho.scanner.version.Pep440Version;
import dev.sekisho.scanner.version.RpmVersion;
import dev.sekisho.scanner.version.SemVer;
import dev.sekisho.scanner.version.VersionScheme;
import dev.sekisho.scanner.vulndb.AffectedEntry;
import dev.sekisho.scanner.vulndb.OsvRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** OSV range semantics, one line of ranges.txt per case. */
class AffectedCheckTest {

  private static final Map<String, VersionScheme> SCHEMES =
      Map.of(
          "dpkg", DpkgVersion.SCHEME,
          "semver", SemVer.SCHEME,
          "pep440", Pep440Version.SCHEME,
          "maven", MavenVersion.SCHEME,
          "apk", ApkVersion.SCHEME,
          "rpm", RpmVersion.SCHEME);

  @TestFactory
  Stream<DynamicTest> rangesFile() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (InputStream in = getClass().getResourceAsStream("ranges.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\\|", -1);
        VersionScheme scheme = SCHEMES.get(f[0].strip());
        String version = f[1].strip();
        List<OsvRecord.Event> events = new ArrayList<>();
        for (String e : f[2].strip().split("\\s+")) {
          if (e.isEmpty()) {
            continue;
          }
          String v = e.substring(2);
          events.add(
              switch (e.charAt(0)) {
                case 'i' -> new OsvRecord.Event(v, null, null, null);
                case 'f' -> new OsvRecord.Event(null, v, null, null);
                case 'l' -> new OsvRecord.Event(null, null, v, null);
                default -> new OsvRecord.Event(null, null, null, v);
              });
        }
        List<String> versions =
            f[3].isBlank() ? List.of() : Arrays.asList(f[3].strip().split("\\s+"));
        boolean expected = f[4].strip().equals("affected");
        List<String> fixed = f[5].isBlank() ? List.of() : List.of(f[5].strip());
        List<OsvRecord.Range> ranges =
            events.isEmpty()
                ? List.of()
                : List.of(
                    new OsvRecord.Range(
                        f[0].strip().equals("semver") ? "SEMVER" : "ECOSYSTEM", events));
        AffectedEntry entry = new AffectedEntry(1, "Test", "p", ranges, versions, null, false);
        tests.add(
            dynamicTest(
                line,
                () -> {
                  AffectedCheck.Outcome o = AffectedCheck.check(scheme, version, entry);
                  assertThat(o.affected()).as("affected").isEqualTo(expected);
                  if (expected) {
                    assertThat(o.fixedVersions()).as("fixed versions").isEqualTo(fixed);
                  }
                }));
      }
    }
    assertThat(tests).hasSizeGreaterThan(25);
    return tests.stream();
  }
}

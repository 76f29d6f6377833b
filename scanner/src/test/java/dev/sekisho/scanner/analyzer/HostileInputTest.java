package dev.sekisho.scanner.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.apk.ApkAnalyzer;
import dev.sekisho.scanner.analyzer.dotnet.DotnetDepsAnalyzer;
import dev.sekisho.scanner.analyzer.dpkg.DpkgAnalyzer;
import dev.sekisho.scanner.analyzer.npm.NpmLockfileAnalyzer;
import dev.sekisho.scanner.analyzer.npm.NpmPackageJsonAnalyzer;
import dev.sekisho.scanner.analyzer.os.OsReleaseAnalyzer;
import dev.sekisho.scanner.analyzer.php.ComposerInstalledAnalyzer;
import dev.sekisho.scanner.analyzer.python.PythonMetadataAnalyzer;
import dev.sekisho.scanner.analyzer.ruby.GemspecAnalyzer;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile package databases and lockfiles, generated as they are read (never held by the test):
 * every analyzer reads them with bounded memory, stops at its limits, and says so in a warning
 * naming the file. {@link BoundedMemoryTest} runs the largest of them under a small heap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
  static final long GIB = 1L << 30;
  static final long MAX_FILE = AnalyzerLimits.DEFAULT_MAX_FILE_BYTES;
  static final int MAX_PACKAGES = AnalyzerLimits.DEFAULT_MAX_PACKAGES;

  @Test
  void dpkgStatusOfTwoGibibytesOfNulBytesIsOneSkippedLineAndStopsAtTheFileLimit()
      throws IOException {
    GeneratedInput status = GeneratedInput.zeros("var/lib/dpkg/status", 2 * GIB);
    AnalysisResult result = status.analyzeWithAnalyzer(new DpkgAnalyzer());
    assertThat(result.packages()).isEmpty();
    assertThat(messages(result))
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith("cannot parse var/lib/dpkg/status in layer " + FixtureInput.LAYER)
                    .contains("the file is 2147483648 bytes, over 67108864 bytes")
                    .contains("-Dsekisho.analyzer.maxFileSize="))
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("line 1: longer than 65536 bytes")
                    .contains("-Dsekisho.analyzer.maxLineLength="));
    assertThat(status.consumed()).isEqualTo(MAX_FILE);
  }

  @Test
  void dpkgStatusWithOneHalfGigabyteLineKeepsTheRecordsAroundIt() throws IOException {
    String before = "Package: a\nStatus: install ok installed\nVersion: 1\n\n";
    String after = "\n\nPackage: b\nStatus: install ok installed\nVersion: 2\n";
    GeneratedInput status =
        new GeneratedInput("var/lib/dpkg/status", before + "Description: ", "x", after, 40L << 20);
    AnalysisResult result = status.analyzeWithAnalyzer(new DpkgAnalyzer());
    assertThat(result.packages())
        .extracting(p -> p.name() + " " + p.version())
        .containsExactly("a 1", "b 2");
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("line 5: longer than 65536 bytes")
        .endsWith("skipped");
  }

  @Test
  void dpkgStatusOfEndlessRecordsStopsAtThePackageLimit() throws IOException {
    GeneratedInput status =
        new GeneratedInput(
            "var/lib/dpkg/status",
            "",
            "Package: p\nStatus: install ok installed\nVersion: 1\n\n",
            "",
            8L << 20);
    AnalysisResult result = status.analyzeWithAnalyzer(new DpkgAnalyzer());
    assertThat(result.packages()).hasSize(MAX_PACKAGES);
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("more than 100000 packages")
        .contains("-Dsekisho.analyzer.maxPackagesPerFile=");
    assertThat(status.consumed()).isLessThan(8L << 20);
  }

  @Test
  void aMillionBadLinesGiveAHundredWarningsAndACount() throws IOException {
    GeneratedInput status = new GeneratedInput("var/lib/dpkg/status", "", "junk\n", "", 5_000_000);
    AnalysisResult result = status.analyzeWithAnalyzer(new DpkgAnalyzer());
    assertThat(result.warnings()).hasSize(AnalyzerLimits.MAX_WARNINGS_PER_FILE + 1);
    assertThat(result.warnings().getLast().message())
        .endsWith(": 999900 more problems not listed (at most 100 are listed per file)");
  }

  @Test
  void apkDatabaseOfNulBytes() throws IOException {
    GeneratedInput db = GeneratedInput.zeros("lib/apk/db/installed", 100L << 20);
    AnalysisResult result = db.analyzeWithAnalyzer(new ApkAnalyzer());
    assertThat(messages(result))
        .anySatisfy(m -> assertThat(m).contains("over 67108864 bytes"))
        .anySatisfy(m -> assertThat(m).contains("line 1: longer than 65536 bytes"));
    assertThat(db.consumed()).isEqualTo(MAX_FILE);
  }

  @Test
  void pythonMetadataWithAnEndlessHeaderLineAndAnyFileSize() throws IOException {
    GeneratedInput metadata =
        new GeneratedInput(
            "usr/lib/python3/dist-packages/x-1.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: x\nVersion: 1\nSummary: ",
            "y",
            "\n\nbody\n",
            10L << 20);
    AnalysisResult result = metadata.analyzeWithAnalyzer(new PythonMetadataAnalyzer());
    assertThat(result.packages())
        .extracting(p -> p.name() + " " + p.version())
        .containsExactly("x 1");
    assertThat(messages(result)).singleElement().asString().contains("line 4: longer than");
  }

  @Test
  void flatNpmLockfileUnderTheFileLimitStopsAtThePackageLimit() throws IOException {
    GeneratedInput lock =
        new GeneratedInput(
            "app/package-lock.json",
            "{\"lockfileVersion\":3,\"packages\":{\"\":{},",
            "\"node_modules/p\":{\"version\":\"1.0.0\",\"license\":\"MIT\"},",
            "\"node_modules/z\":{\"version\":\"1\"}}}",
            MAX_FILE - 1);
    AnalysisResult result = lock.analyzeWithAnalyzer(new NpmLockfileAnalyzer());
    assertThat(result.packages()).hasSize(MAX_PACKAGES);
    assertThat(result.packages().getFirst().licenses()).containsExactly("MIT");
    assertThat(messages(result)).singleElement().asString().contains("more than 100000 packages");
    assertThat(lock.consumed()).isLessThan(MAX_FILE / 2);
  }

  @Test
  void npmLockfileWithAHugeStringNamesTheStringLimit() throws IOException {
    GeneratedInput lock =
        new GeneratedInput(
            "package-lock.json",
            "{\"packages\":{\"node_modules/a\":{\"version\":\"1\"},\"node_modules/b\":{\"version\":\"",
            "9",
            "\"}}}",
            20L << 20);
    AnalysisResult result = lock.analyzeWithAnalyzer(new NpmLockfileAnalyzer());
    assertThat(result.packages()).extracting(p -> p.name()).containsExactly("a");
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("String value length")
        .contains("a limit of the scanner's JSON reading")
        .contains("-Dsekisho.analyzer.maxLineLength=");
  }

  @Test
  void deeplyNestedJsonStopsAtTheDepthLimit() throws IOException {
    GeneratedInput lock =
        new GeneratedInput("package-lock.json", "{\"dependencies\":", "[", "", 1L << 20);
    AnalysisResult result = lock.analyzeWithAnalyzer(new NpmLockfileAnalyzer());
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("nesting depth")
        .contains("256");
  }

  @Test
  void npmLockfileOverTheFileLimitIsReadUpToItWithAWarning() throws IOException {
    GeneratedInput lock =
        new GeneratedInput(
            "package-lock.json",
            "{\"packages\":{\"node_modules/a\":{\"version\":\"1\"},\"node_modules/b\":{\"x\":\"",
            " ",
            "\"}}}",
            MAX_FILE + 10);
    AnalysisResult result = lock.analyzeWithAnalyzer(new NpmLockfileAnalyzer());
    assertThat(result.packages()).extracting(p -> p.name()).containsExactly("a");
    assertThat(messages(result))
        .anySatisfy(m -> assertThat(m).contains("the file is 67108874 bytes, over 67108864 bytes"));
    assertThat(lock.consumed()).isEqualTo(MAX_FILE);
  }

  @Test
  void flatComposerInstalledStopsAtThePackageLimit() throws IOException {
    GeneratedInput installed =
        new GeneratedInput(
            "app/vendor/composer/installed.json",
            "{\"packages\":[",
            "{\"name\":\"v/p\",\"version\":\"1.0\",\"license\":[\"MIT\"]},",
            "{\"name\":\"v/z\",\"version\":\"1\"}]}",
            MAX_FILE - 1);
    AnalysisResult result = installed.analyzeWithAnalyzer(new ComposerInstalledAnalyzer());
    assertThat(result.packages()).hasSize(MAX_PACKAGES);
    assertThat(result.packages().getFirst().licenses()).containsExactly("MIT");
    assertThat(messages(result)).singleElement().asString().contains("more than 100000 packages");
  }

  @Test
  void flatDotnetDepsStopsAtThePackageLimit() throws IOException {
    GeneratedInput deps =
        new GeneratedInput(
            "app/x.deps.json",
            "{\"targets\":{},\"libraries\":{",
            "\"N/1.0\":{\"type\":\"package\",\"sha512\":\"x\"},",
            "\"Z/1\":{\"type\":\"package\"}}}",
            MAX_FILE - 1);
    AnalysisResult result = deps.analyzeWithAnalyzer(new DotnetDepsAnalyzer());
    assertThat(result.packages()).hasSize(MAX_PACKAGES);
    assertThat(messages(result)).singleElement().asString().contains("more than 100000 packages");
  }

  @Test
  void packageJsonOfAnySizeIsWantedAndReadUpToTheFileLimit() throws IOException {
    GeneratedInput json =
        new GeneratedInput(
            "app/node_modules/a/package.json",
            "{\"name\":\"a\",\"version\":\"1.0.0\",\"readme\":\"",
            "r",
            "\"}",
            MAX_FILE + 1);
    AnalysisResult result = json.analyzeWithAnalyzer(new NpmPackageJsonAnalyzer());
    assertThat(messages(result)).anySatisfy(m -> assertThat(m).contains("over 67108864 bytes"));
    assertThat(json.consumed()).isEqualTo(MAX_FILE);
  }

  @Test
  void largeGemspecIsReadUpToItsLimitWithAWarning() throws IOException {
    GeneratedInput gemspec =
        new GeneratedInput(
            "usr/lib/ruby/gems/3.1.0/specifications/a-1.gemspec",
            "Gem::Specification.new do |s|\n  s.name = \"a\"\n  s.version = \"1\"\n",
            "  # filler\n",
            "end\n",
            4L << 20);
    AnalysisResult result = gemspec.analyzeWithAnalyzer(new GemspecAnalyzer());
    assertThat(result.packages()).extracting(p -> p.name()).containsExactly("a");
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("over 1048576 bytes (the limit for one gemspec)");
  }

  @Test
  void largeOsReleaseIsReadUpToItsLimitWithAWarning() throws IOException {
    GeneratedInput osRelease =
        new GeneratedInput("etc/os-release", "ID=debian\nVERSION_ID=12\n", "#\n", "", 1L << 20);
    AnalysisResult result = osRelease.analyzeWithAnalyzer(new OsReleaseAnalyzer());
    assertThat(result.os().family()).isEqualTo("debian");
    assertThat(messages(result))
        .singleElement()
        .asString()
        .contains("over 65536 bytes (the limit for one release file)");
  }

  static List<String> messages(AnalysisResult result) {
    return result.warnings().stream().map(ScanWarning::message).toList();
  }
}

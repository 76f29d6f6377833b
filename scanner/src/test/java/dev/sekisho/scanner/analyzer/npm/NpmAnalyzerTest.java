package dev.sekisho.scanner.analyzer.npm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.FixtureInput;
import dev.sekisho.scanner.analyzer.FixtureTree;
import dev.sekisho.scanner.applier.PackagePostProcessor;
import dev.sekisho.scanner.model.Package;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixture is an npm install from the registry: see src/test/resources/npm/generate.sh. */
class NpmAnalyzerTest {
  private final NpmPackageJsonAnalyzer packageJson = new NpmPackageJsonAnalyzer();
  private final NpmLockfileAnalyzer lockfile = new NpmLockfileAnalyzer();

  @Test
  void installedPackagesEqualNpmLs() throws IOException {
    List<Package> found =
        packages(FixtureTree.analyze(FixtureTree.resourceDir("/npm"), packageJson));
    assertThat(nameVersions(found)).isEqualTo(expected("expected-installed.txt"));
    Package scoped = found.stream().filter(p -> p.name().startsWith("@")).findFirst().orElseThrow();
    assertThat(scoped.purl()).isEqualTo("pkg:npm/%40isaacs/string-locale-compare@1.1.0");
    assertThat(scoped.licenses()).containsExactly("ISC");
    assertThat(scoped.location().path())
        .isEqualTo("/app/node_modules/@isaacs/string-locale-compare/package.json");
  }

  @Test
  void lockfileAloneYieldsTheProductionPackages() throws IOException {
    AnalysisResult result =
        FixtureInput.of(
                "srv/app/package-lock.json",
                FixtureTree.resourceDir("/npm").resolve("app/package-lock.json"))
            .analyzeWith(lockfile);
    assertThat(result.warnings()).isEmpty();
    assertThat(nameVersions(result.packages())).isEqualTo(expected("expected-lockfile.txt"));
  }

  @Test
  void lockfilePackagesAlsoInstalledAreCountedOnce() throws IOException {
    List<Package> all =
        packages(FixtureTree.analyze(FixtureTree.resourceDir("/npm"), packageJson, lockfile));
    List<Package> finished = PackagePostProcessor.finish(all, null);
    assertThat(finished).hasSize(expected("expected-installed.txt").size());
    assertThat(finished).allSatisfy(p -> assertThat(p.location().path()).endsWith("/package.json"));
  }

  @Test
  void brokenJsonIsAWarning() throws IOException {
    AnalysisResult result =
        FixtureInput.of(
                "app/node_modules/x/package.json",
                "{\"name\": \"x\", \"vers".getBytes(StandardCharsets.UTF_8))
            .analyzeWith(packageJson);
    assertThat(result.packages()).isEmpty();
    assertThat(result.warnings())
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.message())
                    .startsWith(
                        "cannot parse app/node_modules/x/package.json in layer "
                            + FixtureInput.LAYER));
  }

  @Test
  void onlyTopLevelFieldsCountAsATreeWouldReadThem() throws IOException {
    assertThat(
            one(
                """
                {"description": {"name": "nested", "version": "9"},
                 "readme": "# a long README", "dependencies": {"b": "^1"},
                 "name": "first", "version": 2, "name": "a",
                 "licenses": [{"type": "MIT"}, "ISC"], "license": {"type": "BSD-2-Clause"}}
                """))
        .extracting(Package::name, Package::version, Package::licenses)
        .containsExactly("a", "2", List.of("BSD-2-Clause", "MIT", "ISC"));
    assertThat(nothing("[\"name\", \"version\"]")).isTrue();
    assertThat(nothing("")).isTrue();
    assertThat(nothing("{\"name\": \"a\", \"version\": null}")).isTrue();
    assertThat(nothing("{\"name\": \"a\", \"version\": {\"v\": \"1\"}}")).isTrue();
  }

  private Package one(String json) throws IOException {
    AnalysisResult result = analyzeText(json);
    assertThat(result.warnings()).isEmpty();
    assertThat(result.packages()).hasSize(1);
    return result.packages().get(0);
  }

  private boolean nothing(String json) throws IOException {
    AnalysisResult result = analyzeText(json);
    return result.packages().isEmpty() && result.warnings().isEmpty();
  }

  private AnalysisResult analyzeText(String json) throws IOException {
    return FixtureInput.of("app/node_modules/a/package.json", json.getBytes(StandardCharsets.UTF_8))
        .analyzeWith(packageJson);
  }

  @Test
  void wantsPackageDirectoriesOnly() {
    FileInfo f = new FileInfo(100, 0644);
    assertThat(packageJson.required("app/node_modules/a/package.json", f)).isTrue();
    assertThat(packageJson.required("node_modules/@s/a/package.json", f)).isTrue();
    assertThat(packageJson.required("app/node_modules/a/node_modules/b/package.json", f)).isTrue();
    assertThat(packageJson.required("app/node_modules/a/lib/package.json", f)).isFalse();
    assertThat(packageJson.required("app/package.json", f)).isFalse();
    assertThat(packageJson.required("app/node_modules/@s/package.json", f)).isFalse();
    assertThat(lockfile.required("app/package-lock.json", f)).isTrue();
    assertThat(lockfile.required("app/node_modules/.package-lock.json", f)).isFalse();
  }

  private static List<Package> packages(List<AnalysisResult> results) {
    results.forEach(r -> assertThat(r.warnings()).isEmpty());
    return results.stream().flatMap(r -> r.packages().stream()).toList();
  }

  private static List<String> nameVersions(List<Package> packages) {
    return packages.stream().map(p -> p.name() + " " + p.version()).sorted().toList();
  }

  private static List<String> expected(String file) throws IOException {
    return Files.readAllLines(FixtureTree.resourceDir("/npm").resolve(file)).stream()
        .filter(l -> !l.isBlank())
        .sorted()
        .toList();
  }
}

package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad file from the user (policy, config, SBOM) exits 2 on every path, with one message naming
 * the file and the problem in plain words: no Java class names, no exception names.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InputErrorsTest {
  @TempDir Path tmp;

  private static final String HEAD =
      """
      apiVersion: sekisho.dev/v1alpha1
      kind: ScanPolicy
      metadata:
        name: p
      spec:
      """;

  private static void assertCleanInputError(CliRun r, Path file, String... expected) {
    assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
    assertThat(r.err()).startsWith("sekisho: error: ").contains(file.toString());
    for (String e : expected) {
      assertThat(r.err()).contains(e);
    }
    assertThat(r.err())
        .doesNotContain("com.fasterxml", "java.", "org.yaml", "org.cyclonedx", "dev.sekisho")
        .doesNotContain("Exception", "[Source:", "reference chain", "\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"policy check", "scan --offline --policy"})
  void malformedPolicyYaml(String command) throws Exception {
    Path file = tmp.resolve("broken.yaml");
    Files.writeString(file, HEAD + "  action: [Enforce\n");
    CliRun r = CliRun.run(args(command, file, image()));
    assertCleanInputError(r, file, "line 7, column 1: not valid YAML");
  }

  @ParameterizedTest
  @ValueSource(strings = {"policy check", "scan --offline --policy"})
  void policyWithAWrongFieldType(String command) throws Exception {
    Path file = tmp.resolve("type.yaml");
    Files.writeString(file, HEAD + "  config:\n    forbiddenPorts: \"22\"\n");
    CliRun r = CliRun.run(args(command, file, image()));
    assertCleanInputError(
        r, file, "field 'spec.config.forbiddenPorts': expected a list, found a string");
    Path bad = tmp.resolve("when.yaml");
    Files.writeString(
        bad,
        HEAD
            + """
              exceptions:
                - id: CVE-2024-1
                  reason: r
                  expires: next tuesday
            """);
    r = CliRun.run(args(command, bad, image()));
    assertCleanInputError(
        r, bad, "spec.exceptions[0].expires", "next tuesday", "such as 2030-01-31T00:00:00Z");
  }

  @Test
  void policyFileOverTheLimit() throws Exception {
    Path file = tmp.resolve("huge.yaml");
    Files.writeString(file, HEAD + "  action: \"" + "x".repeat(3 << 20) + "\"\n");
    CliRun r = CliRun.run("policy", "check", file.toString());
    assertCleanInputError(r, file, "3.0 MiB, more than the limit of 1 MiB");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'bomFormat': 'CycloneDX', 'specVersion': '1.6', 'components': "
            + "| line 1, column 63: not valid JSON: Unexpected end-of-input",
        "{'bomFormat': 'CycloneDX', 'specVersion': '1.6', 'components': 'none'}"
            + "| invalid CycloneDX: field 'components': expected a list, found a string",
        "{'bomFormat': 'CycloneDX', 'specVersion': '1.6', 'components': [{'type': 'library',"
            + " 'name': {'a': 1}}]}"
            + "| invalid CycloneDX: field 'components[0].name': expected a string, found a map",
        "{'spdxVersion': 'SPDX-2.3', 'packages': {'name': 'x'}}"
            + "| invalid SPDX: field 'packages': expected a list, found a map",
        "{'spdxVersion': 'SPDX-2.3', 'packages': [{'name': [1]}]}"
            + "| invalid SPDX: field 'packages[0].name': expected a string, found a list",
      })
  void malformedSbom(String json, String expected) throws Exception {
    Path file = tmp.resolve("bad.cdx.json");
    Files.writeString(file, json.replace('\'', '"'));
    CliRun r = CliRun.run("sbom", "sbom:" + file);
    assertCleanInputError(r, file, "SBOM " + file, expected.strip());
  }

  @Test
  void malformedConfigFile() throws Exception {
    Path config = tmp.resolve("config.yaml");
    Files.writeString(config, "fail-on: [high\n");
    CliRun r = CliRun.run(Map.of("SEKISHO_CONFIG", config.toString()), "version");
    assertCleanInputError(r, config, "line 2, column 1: not valid YAML");
    Files.writeString(config, "a: &x [1]\nfail-on: *x\n");
    r = CliRun.run(Map.of("SEKISHO_CONFIG", config.toString()), "version");
    assertCleanInputError(r, config, "line 2, column 10", "aliases");
  }

  /** A target that exists: policies are read before the image. */
  private String image() throws Exception {
    return "oci:" + Files.createDirectories(tmp.resolve("image"));
  }

  private static String[] args(String command, Path file, String target) {
    String joined = command + " " + file + (command.startsWith("scan") ? " " + target : "");
    return joined.split(" ");
  }

  @Test
  void aMalformedFileFromTheUserExitsTwoWhateverReadItAndSaysNoMore() {
    var dockerConfig =
        new dev.sekisho.scanner.image.oci.ImageAccessException(
            dev.sekisho.scanner.image.oci.ImageAccessException.Reason.INVALID,
            "cannot read registry credentials: docker config c.json is not valid JSON",
            new dev.sekisho.scanner.input.DocumentException("c.json: not valid JSON"));
    assertThat(ExitCode.of(dockerConfig)).isEqualTo(ExitCode.USAGE);
    assertThat(ExitCode.expected(dockerConfig)).isTrue();
  }
}

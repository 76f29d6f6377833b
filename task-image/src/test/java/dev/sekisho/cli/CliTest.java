package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliTest {

  @Test
  void versionPrintsTheBuildVersion() {
    CliRun r = CliRun.run("version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("sekisho 0.").doesNotContain("${project.version}");
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = CliRun.run();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("missing command", "Usage: sekisho");
  }

  @Test
  void unknownOptionIsAUsageErrorWithoutStackTrace() {
    CliRun r = CliRun.run("version", "--frobnicate");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("sekisho: error: Unknown option: '--frobnicate'");
    assertThat(r.err()).doesNotContain("Exception", "\tat ");
  }

  @Test
  void helpDocumentsExitCodes() {
    CliRun r = CliRun.run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("Exit codes:", "an Enforce policy failed", "usage or input error")
        .contains("scanner or infrastructure error");
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] command :
        new String[][] {
          {"scan"},
          {"sbom"},
          {"db", "update"},
          {"db", "import"},
          {"db", "info"},
          {"policy", "check"}
        }) {
      String[] args = java.util.Arrays.copyOf(command, command.length + 1);
      args[command.length] = "--help";
      CliRun r = CliRun.run(args);
      assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
      assertThat(r.out()).startsWith("Usage: sekisho " + String.join(" ", command));
    }
    assertThat(CliRun.run("scan", "--help").out())
        .contains("Exit codes:", "--fail-on", "--report", "--offline");
  }

  @Test
  void missingExplicitConfigFileIsAUsageError() {
    CliRun r = CliRun.run("--config", "/nonexistent/sekisho.yaml", "version");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("sekisho: error: config file /nonexistent/sekisho.yaml does not exist\n");
  }
}

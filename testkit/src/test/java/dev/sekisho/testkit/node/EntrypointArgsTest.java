package dev.sekisho.testkit.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntrypointArgsTest {
  @Test
  void parsesTheArgumentsTektonWritesForTheFirstStep() {
    // pkg/pod/pod_test.go, "simple with breakpoint" style: first step waiting for the ready file
    EntrypointArgs a =
        EntrypointArgs.parse(
            List.of(
                "-wait_file",
                "/tekton/downward/ready",
                "-wait_file_content",
                "-post_file",
                "/tekton/run/0/out",
                "-termination_path",
                "/tekton/termination",
                "-step_metadata_dir",
                "/tekton/run/0/status",
                "-on_error",
                "continue",
                "-timeout",
                "1m30s",
                "-results",
                "VERDICT,SCAN_RESULT",
                "-step_results",
                "digest",
                "-entrypoint",
                "sekisho",
                "--",
                "scan",
                "-x",
                "--",
                "image"));
    assertThat(a.waitFiles()).containsExactly("/tekton/downward/ready");
    assertThat(a.waitFileContent()).isTrue();
    assertThat(a.postFile()).isEqualTo("/tekton/run/0/out");
    assertThat(a.terminationPath()).isEqualTo("/tekton/termination");
    assertThat(a.stepMetadataDir()).isEqualTo("/tekton/run/0/status");
    assertThat(a.onError()).isEqualTo("continue");
    assertThat(a.timeout()).contains(Duration.ofSeconds(90));
    assertThat(a.results()).containsExactly("VERDICT", "SCAN_RESULT");
    assertThat(a.stepResults()).containsExactly("digest");
    assertThat(a.subcommand()).isEmpty();
    // only the first "--" separates; later ones belong to the command
    assertThat(a.command()).containsExactly("sekisho", "scan", "-x", "--", "image");
  }

  @Test
  void laterStepsWaitForThePreviousPostFileAndDefaultsApply() {
    EntrypointArgs a =
        EntrypointArgs.parse(
            List.of(
                "--wait_file=/tekton/run/0/out",
                "-post_file=/tekton/run/1/out",
                "-entrypoint",
                "/tekton/scripts/script-1-abcde",
                "--"));
    assertThat(a.waitFiles()).containsExactly("/tekton/run/0/out");
    assertThat(a.waitFileContent()).isFalse();
    assertThat(a.terminationPath()).isEqualTo("/tekton/termination");
    assertThat(a.timeout()).isEmpty();
    assertThat(a.results()).isEmpty();
    assertThat(a.command()).containsExactly("/tekton/scripts/script-1-abcde");
  }

  @Test
  void theInitSubcommandIsPositional() {
    // the prepare init container: /ko-app/entrypoint init /ko-app/entrypoint /tekton/bin/entrypoint
    // step-a
    EntrypointArgs a =
        EntrypointArgs.parse(
            List.of("init", "/ko-app/entrypoint", "/tekton/bin/entrypoint", "step-a"));
    assertThat(a.subcommand())
        .containsExactly("init", "/ko-app/entrypoint", "/tekton/bin/entrypoint", "step-a");
    assertThat(a.command()).isEmpty();
  }

  @Test
  void credentialAndUnsupportedFlagsAreKeptApart() {
    EntrypointArgs a =
        EntrypointArgs.parse(
            List.of(
                "-basic-docker=regcred=https://registry.example",
                "-breakpoint_on_failure",
                "-result_from",
                "sidecar-logs",
                "-entrypoint",
                "true",
                "--"));
    assertThat(a.credentialFlags())
        .containsExactly("-basic-docker=regcred=https://registry.example");
    assertThat(a.unsupportedFlags())
        .containsExactly("-breakpoint_on_failure", "-result_from=sidecar-logs");
  }

  @Test
  void badArgumentsGetGoFlagMessages() {
    assertThatThrownBy(() -> EntrypointArgs.parse(List.of("-nope", "x", "--", "y")))
        .hasMessage("flag provided but not defined: -nope");
    assertThatThrownBy(() -> EntrypointArgs.parse(List.of("-entrypoint")))
        .hasMessage("flag needs an argument: -entrypoint");
    assertThatThrownBy(() -> EntrypointArgs.parse(List.of("-timeout", "5 minutes", "--", "x")))
        .hasMessageContaining("invalid value \"5 minutes\" for flag -timeout");
  }

  @Test
  void goDurations() {
    assertThat(GoDuration.parse("1h0m0s")).isEqualTo(Duration.ofHours(1));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.parse("2m3.25s")).isEqualTo(Duration.ofMillis(123_250));
    assertThat(GoDuration.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
    assertThat(GoDuration.parse("-1s")).isEqualTo(Duration.ofSeconds(-1));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> GoDuration.parse("5")).hasMessageContaining("missing unit");
    assertThatThrownBy(() -> GoDuration.parse("5d")).hasMessageContaining("unknown unit \"d\"");
    assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("invalid duration");
  }
}

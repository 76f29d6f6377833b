package dev.sekisho.testkit.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of Tekton's entrypoint binary ({@code /tekton/bin/entrypoint}) as the v1.6.0
 * controller writes them into a step container ({@code pkg/pod/entrypoint.go} {@code
 * orderContainers}) and the binary reads them ({@code cmd/entrypoint/main.go}, {@code args.go}): Go
 * {@code flag} syntax before a {@code --}, the step's own command after it.
 *
 * @param waitFiles {@code -wait_file}, comma-separated in Tekton; empty entries dropped
 * @param waitFileContent {@code -wait_file_content}: the wait file must be non-empty
 * @param postFile {@code -post_file}, or "" when absent
 * @param terminationPath {@code -termination_path} (default {@code /tekton/termination})
 * @param stepMetadataDir {@code -step_metadata_dir}, or ""
 * @param results {@code -results}: task result names read from {@code /tekton/results}
 * @param stepResults {@code -step_results}: step result names read from the metadata dir
 * @param onError {@code -on_error}: "", {@code continue} or {@code stopAndFail}
 * @param timeout {@code -timeout} (Go duration), empty when absent or zero
 * @param stdoutPath {@code -stdout_path}, or ""
 * @param stderrPath {@code -stderr_path}, or ""
 * @param entrypoint {@code -entrypoint}: the step's command, or "" (then the command comes from
 *     {@code TEKTON_PLATFORM_COMMANDS})
 * @param whenExpressions {@code --when_expressions} JSON, or ""
 * @param credentialFlags the credential flags ({@code -basic-docker} …) as given
 * @param unsupportedFlags flags the agent does not emulate (debug breakpoints, SPIRE, sidecar-log
 *     results), as given
 * @param subcommand positional arguments before {@code --} ({@code init}, {@code cp}, {@code
 *     decode-script}, {@code step-init} …), empty for a step
 * @param commandArgs the arguments after {@code --}
 */
public record EntrypointArgs(
    List<String> waitFiles,
    boolean waitFileContent,
    String postFile,
    String terminationPath,
    String stepMetadataDir,
    List<String> results,
    List<String> stepResults,
    String onError,
    Optional<Duration> timeout,
    String stdoutPath,
    String stderrPath,
    String entrypoint,
    String whenExpressions,
    List<String> credentialFlags,
    List<String> unsupportedFlags,
    List<String> subcommand,
    List<String> commandArgs) {

  /** Where Tekton's entrypoint is placed by the {@code prepare} init container. */
  public static final String BINARY = "/tekton/bin/entrypoint";

  private static final Set<String> BOOL_FLAGS =
      Set.of("wait_file_content", "breakpoint_on_failure", "debug_before_step", "enable_spire");
  private static final Set<String> STRING_FLAGS =
      Set.of(
          "entrypoint",
          "wait_file",
          "post_file",
          "termination_path",
          "results",
          "step_results",
          "when_expressions",
          "timeout",
          "stdout_path",
          "stderr_path",
          "on_error",
          "step_metadata_dir",
          "result_from",
          // gitcreds.AddFlags / dockercreds.AddFlags
          "basic-git",
          "ssh-git",
          "basic-docker",
          "docker-config",
          "docker-cfg");
  private static final Set<String> CREDENTIAL_FLAGS =
      Set.of("basic-git", "ssh-git", "basic-docker", "docker-config", "docker-cfg");

  /**
   * Parses the entrypoint's arguments as Go's {@code flag} package and Tekton's {@code extractArgs}
   * do.
   *
   * @throws IllegalArgumentException with Go's message for an undefined flag, a missing value or a
   *     bad duration or boolean
   */
  public static EntrypointArgs parse(List<String> args) {
    // extractArgs: split at the first "--" unless it is the very first argument
    List<String> flags = args;
    List<String> commandArgs = List.of();
    int terminator = args.indexOf("--");
    if (terminator > 0) {
      flags = args.subList(0, terminator);
      commandArgs = List.copyOf(args.subList(terminator + 1, args.size()));
    }
    Map<String, String> values = new java.util.HashMap<>();
    List<String> credentials = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    int i = 0;
    while (i < flags.size()) {
      String a = flags.get(i);
      if (a.length() < 2 || a.charAt(0) != '-') {
        break; // first positional argument ends flag parsing
      }
      int dashes = a.startsWith("--") ? 2 : 1;
      if (dashes == 2 && a.length() == 2) {
        i++; // "--" terminator
        break;
      }
      String body = a.substring(dashes);
      if (body.isEmpty() || body.startsWith("-") || body.startsWith("=")) {
        throw new IllegalArgumentException("bad flag syntax: " + a);
      }
      String name = body;
      String value = null;
      int eq = body.indexOf('=');
      if (eq >= 0) {
        name = body.substring(0, eq);
        value = body.substring(eq + 1);
      }
      i++;
      if (BOOL_FLAGS.contains(name)) {
        if (value == null) {
          value = "true";
        } else if (!Set.of(
                "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")
            .contains(value)) {
          throw new IllegalArgumentException(
              "invalid boolean value \"" + value + "\" for -" + name + ": parse error");
        }
      } else if (STRING_FLAGS.contains(name)) {
        if (value == null) {
          if (i >= flags.size()) {
            throw new IllegalArgumentException("flag needs an argument: -" + name);
          }
          value = flags.get(i++);
        }
      } else {
        throw new IllegalArgumentException("flag provided but not defined: -" + name);
      }
      if (CREDENTIAL_FLAGS.contains(name)) {
        credentials.add("-" + name + "=" + value);
      } else if (Set.of("breakpoint_on_failure", "debug_before_step", "enable_spire").contains(name)
          && isTrue(value)) {
        unsupported.add("-" + name);
      } else if (name.equals("result_from") && !value.equals("termination-message")) {
        unsupported.add("-result_from=" + value);
      }
      values.put(name, value);
    }
    List<String> positional = List.copyOf(flags.subList(Math.min(i, flags.size()), flags.size()));
    Optional<Duration> timeout = Optional.empty();
    if (values.containsKey("timeout")) {
      Duration d;
      try {
        d = GoDuration.parse(values.get("timeout"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid value \"" + values.get("timeout") + "\" for flag -timeout: parse error", e);
      }
      timeout = d.isZero() ? Optional.empty() : Optional.of(d);
    }
    return new EntrypointArgs(
        commaList(values.get("wait_file")),
        isTrue(values.getOrDefault("wait_file_content", "false")),
        values.getOrDefault("post_file", ""),
        values.getOrDefault("termination_path", "/tekton/termination"),
        values.getOrDefault("step_metadata_dir", ""),
        commaList(values.get("results")),
        commaList(values.get("step_results")),
        values.getOrDefault("on_error", ""),
        timeout,
        values.getOrDefault("stdout_path", ""),
        values.getOrDefault("stderr_path", ""),
        values.getOrDefault("entrypoint", ""),
        values.getOrDefault("when_expressions", ""),
        List.copyOf(credentials),
        List.copyOf(unsupported),
        positional,
        commandArgs);
  }

  /** The command the entrypoint runs: {@code -entrypoint} followed by the arguments after --. */
  public List<String> command() {
    List<String> c = new ArrayList<>();
    if (!entrypoint.isEmpty()) {
      c.add(entrypoint);
    }
    c.addAll(commandArgs);
    return List.copyOf(c);
  }

  private static boolean isTrue(String v) {
    return Set.of("1", "t", "T", "TRUE", "true", "True").contains(v);
  }

  private static List<String> commaList(String v) {
    if (v == null || v.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(v.split(",", -1)).filter(s -> !s.isEmpty()).toList();
  }
}

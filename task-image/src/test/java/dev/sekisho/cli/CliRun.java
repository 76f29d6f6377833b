package dev.sekisho.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Runs the CLI in-process with captured streams, as the tests' one way in. */
record CliRun(int exitCode, String out, String err) {

  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  static CliRun run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.run(
            args,
            new CliContext(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                env,
                Terminal.NONE,
                Clock.fixed(NOW, ZoneOffset.UTC)));
    return new CliRun(code, out.toString(), err.toString());
  }

  static CliRun run(String... args) {
    return run(
        Map.of("HOME", System.getProperty("java.io.tmpdir") + "/sekisho-cli-test-home"), args);
  }

  /** Everything the command printed. */
  String all() {
    return out + err;
  }
}

package dev.sekisho.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** The {@code sekisho} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    var env = System.getenv();
    int code =
        Cli.run(args, new CliContext(out, err, env, Terminal.detect(env), Clock.systemUTC()));
    System.exit(code);
  }
}

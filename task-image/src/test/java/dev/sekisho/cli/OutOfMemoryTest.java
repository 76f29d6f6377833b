package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * An OutOfMemoryError, thrown directly or wrapped in an exception, is a scanner error (exit 3) with
 * a message naming the heap limit and how to raise it: never an uncaught error, whose exit status 1
 * would read as a policy failure.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutOfMemoryTest {

  @CommandLine.Command(name = "exhaust")
  static final class Exhaust implements Callable<Integer> {
    @CommandLine.Option(names = "--wrapped")
    boolean wrapped;

    @CommandLine.Option(names = "--other")
    boolean other;

    @Override
    public Integer call() throws IOException {
      if (other) {
        throw new ExceptionInInitializerError(new IllegalArgumentException("bad setting"));
      }
      OutOfMemoryError e = new OutOfMemoryError("Java heap space");
      if (wrapped) {
        throw new IOException("cannot read layer", e);
      }
      throw e;
    }
  }

  @Test
  void anOutOfMemoryErrorIsExitThreeNamingTheHeapLimit() {
    StringWriter err = new StringWriter();
    int code = run(err, "exhaust");
    assertThat(code).isEqualTo(ExitCode.SCANNER_ERROR.code());
    assertThat(err.toString())
        .startsWith("sekisho: error: out of memory (Java heap space); the Java heap limit is ")
        .contains(" MiB")
        .contains("SEKISHO_JAVA_OPTS=-Xmx");
  }

  @Test
  void anOutOfMemoryErrorInsideAnExceptionIsReportedTheSameWay() {
    StringWriter err = new StringWriter();
    int code = run(err, "exhaust", "--wrapped");
    assertThat(code).isEqualTo(ExitCode.SCANNER_ERROR.code());
    assertThat(err.toString())
        .startsWith("sekisho: error: out of memory (Java heap space)")
        .contains("SEKISHO_JAVA_OPTS=-Xmx");
  }

  @Test
  void anotherErrorIsExitThreeWithItsMessage() {
    StringWriter err = new StringWriter();
    int code = run(err, "exhaust", "--other");
    assertThat(code).isEqualTo(ExitCode.SCANNER_ERROR.code());
    assertThat(err.toString())
        .isEqualTo(
            "sekisho: error: bad setting (run with --debug for details)" + System.lineSeparator());
  }

  private static int run(StringWriter err, String... args) {
    CliContext context =
        new CliContext(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            Map.of(),
            Terminal.NONE,
            Clock.systemUTC());
    CommandLine cl = Cli.commandLine(context, null);
    cl.addSubcommand("exhaust", new Exhaust());
    cl.setErr(context.err()); // also for the command added here
    return Cli.execute(cl, args, context);
  }
}

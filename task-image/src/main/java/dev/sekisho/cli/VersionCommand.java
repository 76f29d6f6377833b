package dev.sekisho.cli;

import dev.sekisho.scanner.scan.ScannerVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sekisho version}: the scanner version and the Java runtime. */
@Command(name = "version", description = "Print the Sekisho version.")
final class VersionCommand implements Runnable {
  private final CliContext context;

  VersionCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    context.out().println("sekisho " + ScannerVersion.current());
    context
        .out()
        .println("java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")");
  }

  /** The text of {@code sekisho --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sekisho " + ScannerVersion.current()};
    }
  }
}

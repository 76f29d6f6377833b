package dev.sekisho.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root command: prints usage when called without a subcommand. */
@Command(
    name = "sekisho",
    mixinStandardHelpOptions = true,
    // --help and --version on every subcommand too
    scope = ScopeType.INHERIT,
    versionProvider = VersionCommand.Provider.class,
    description =
        "Scan container images for vulnerabilities, secrets and risky configuration,"
            + " and gate them on policies.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {ExitCode.HELP_0, ExitCode.HELP_1, ExitCode.HELP_2, ExitCode.HELP_3},
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  SEKISHO_<OPTION>  any option, e.g. SEKISHO_DB=DIR, SEKISHO_FAIL_ON=high",
      "  SEKISHO_CONFIG    the config file (YAML with option names as keys)",
      "  NO_COLOR          no colours in the terminal table",
      "Precedence: flags, then environment, then config file. See docs/cli.md."
    })
final class SekishoCommand implements Callable<Integer> {
  /**
   * The subcommands by name, added by {@link Cli#commandLine}: only those named in the arguments
   * when one is, so that picocli reflects over one command's options instead of all of them.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>(); // in the order of the help
    m.put("scan", ScanCommand.class);
    m.put("sbom", SbomCommand.class);
    m.put("db", DbCommand.class);
    m.put("policy", PolicyCommand.class);
    m.put("version", VersionCommand.class);
    return Collections.unmodifiableMap(m);
  }

  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("sekisho: error: missing command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code();
  }
}

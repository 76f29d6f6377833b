package dev.sekisho.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes (declared on the root command, inherited by subcommands). */
final class GlobalOptions {
  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log what the scanner does (debug level) on stderr.")
  boolean verbose;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Like --verbose, and print stack traces of errors.")
  boolean debug;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "Config file (YAML, option names as keys). Default: $SEKISHO_CONFIG, else"
              + " $XDG_CONFIG_HOME/sekisho/config.yaml when it exists.")
  String config;
}

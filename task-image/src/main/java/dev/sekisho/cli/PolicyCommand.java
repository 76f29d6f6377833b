package dev.sekisho.cli;

import dev.sekisho.scanner.policy.NamedPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sekisho policy …}: policy file tools. */
@Command(
    name = "policy",
    description = "Work with policy files.",
    subcommands = {PolicyCommand.Check.class})
final class PolicyCommand {

  /** {@code sekisho policy check FILE…}: validates policy files without scanning. */
  @Command(
      name = "check",
      description =
          "Validate policy files (the same ScanPolicy YAML the operator reads). Exit 0 when all"
              + " are valid, 2 otherwise.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:every file is valid", "2:a file is missing, unreadable or invalid"})
  static final class Check implements Callable<Integer> {
    private final CliContext context;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Policy files.")
    List<Path> files;

    Check(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      ExitCode code = ExitCode.PASS;
      for (Path file : files) {
        try {
          List<NamedPolicy> policies = PolicyOptions.loadFile(file);
          context
              .out()
              .println(
                  file
                      + ": ok ("
                      + policies.size()
                      + (policies.size() == 1 ? " policy: " : " policies: ")
                      + String.join(", ", policies.stream().map(NamedPolicy::displayName).toList())
                      + ")");
        } catch (UserInputException e) {
          context.err().println("sekisho: error: " + e.getMessage());
          code = ExitCode.USAGE;
        }
      }
      return code.code();
    }
  }
}

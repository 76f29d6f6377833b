package dev.sekisho.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Builds and runs the command line. Exit codes come from {@link ExitCode}; errors print one line
 * naming the input ("sekisho: error: …"), stack traces only with --debug.
 */
public final class Cli {
  private Cli() {}

  /** Runs {@code args} and returns the exit code. */
  public static int run(String[] args, CliContext context) {
    ConfigDefaults defaults;
    try {
      defaults = ConfigDefaults.load(context, explicitConfig(args));
    } catch (UserInputException e) {
      context.err().println("sekisho: error: " + e.getMessage());
      context.err().flush();
      return ExitCode.USAGE.code();
    }
    CommandLine cl = commandLine(context, defaults);
    int code = cl.execute(args);
    context.out().flush();
    context.err().flush();
    return code;
  }

  static CommandLine commandLine(CliContext context, CommandLine.IDefaultValueProvider defaults) {
    CommandLine cl = new CommandLine(new SekishoCommand(), new CommandFactory(context));
    cl.setOut(context.out());
    cl.setErr(context.err());
    cl.setDefaultValueProvider(defaults);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setUsageHelpAutoWidth(false);
    cl.setExitCodeExceptionMapper(e -> ExitCode.of(e).code());
    cl.setParameterExceptionHandler(Cli::handleParameterException);
    cl.setExecutionExceptionHandler(Cli::handleExecutionException);
    cl.setExecutionStrategy(
        parseResult -> {
          LogConfig.apply(flag(parseResult, "--verbose") || flag(parseResult, "--debug"));
          return new CommandLine.RunLast().execute(parseResult);
        });
    return cl;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println("sekisho: error: " + e.getMessage());
    cmd.getErr()
        .println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    cmd.getErr().flush();
    return ExitCode.USAGE.code();
  }

  private static int handleExecutionException(
      Exception e, CommandLine cmd, ParseResult parseResult) {
    Throwable cause = e;
    boolean debug = flag(parseResult, "--debug");
    if (ExitCode.expected(cause)) {
      cmd.getErr().println("sekisho: error: " + cause.getMessage());
    } else {
      cmd.getErr()
          .println(
              "sekisho: error: "
                  + (cause.getMessage() != null ? cause.getMessage() : cause.toString())
                  + (debug ? "" : " (run with --debug for details)"));
    }
    if (debug) {
      cause.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return ExitCode.of(cause).code();
  }

  /** True when the boolean option is set on any command of the parse (flag, env or config). */
  static boolean flag(ParseResult parseResult, String name) {
    if (parseResult == null) {
      return false;
    }
    List<CommandLine> commands = parseResult.asCommandLineList();
    for (CommandLine c : commands) {
      OptionSpec option = c.getCommandSpec().findOption(name);
      if (option != null && Boolean.TRUE.equals(option.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** --config FILE or --config=FILE, needed before parsing to read the other defaults. */
  static Path explicitConfig(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    return null;
  }

  /** Creates commands, giving those that take one the {@link CliContext}. */
  private record CommandFactory(CliContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return cls.getDeclaredConstructor(CliContext.class).newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}

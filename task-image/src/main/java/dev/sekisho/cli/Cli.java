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
    return execute(commandLine(context, defaults, args), args, context);
  }

  /**
   * Runs the parsed command line. An {@link Error} (which picocli lets through) is a scanner error,
   * exit 3, never an uncaught exception whose exit status 1 would read as a policy failure; an
   * {@link OutOfMemoryError} names the heap limit and how to raise it.
   */
  static int execute(CommandLine cl, String[] args, CliContext context) {
    int code;
    try {
      code = cl.execute(args);
    } catch (Error e) {
      OutOfMemoryError oom = outOfMemory(e);
      context.err().println("sekisho: error: " + (oom != null ? heapMessage(oom) : describe(e)));
      if (List.of(args).contains("--debug")) {
        e.printStackTrace(context.err());
      }
      code = ExitCode.SCANNER_ERROR.code();
    }
    context.out().flush();
    context.err().flush();
    return code;
  }

  /** An Error's first message along its causes (an ExceptionInInitializerError has none). */
  private static String describe(Error e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return (t.getMessage() != null ? t.getMessage() : e.toString())
        + " (run with --debug for details)";
  }

  /** The OutOfMemoryError that {@code e} is or was caused by, or null. */
  static OutOfMemoryError outOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError oom) {
        return oom;
      }
    }
    return null;
  }

  /** What to tell the user when the heap ran out: the limit in force and how to raise it. */
  static String heapMessage(OutOfMemoryError e) {
    long max = Runtime.getRuntime().maxMemory();
    String limit = max == Long.MAX_VALUE ? "unlimited" : (max >> 20) + " MiB";
    return "out of memory ("
        + e.getMessage()
        + "); the Java heap limit is "
        + limit
        + ": raise it with SEKISHO_JAVA_OPTS=-Xmx2g (or JAVA_TOOL_OPTIONS=-Xmx2g where the"
        + " launcher is not used), e.g. for a very large image";
  }

  static CommandLine commandLine(CliContext context, CommandLine.IDefaultValueProvider defaults) {
    return commandLine(context, defaults, new String[0]);
  }

  /**
   * The command line for {@code args}. Building picocli's model reflects over every option of every
   * command added, so only the subcommands named in {@code args} are added; all of them when none
   * is named (usage, help, a misspelt command, whose suggestions need every name).
   */
  static CommandLine commandLine(
      CliContext context, CommandLine.IDefaultValueProvider defaults, String[] args) {
    CommandLine.IFactory factory = new CommandFactory(context);
    CommandLine cl = new CommandLine(new SekishoCommand(), factory);
    List<String> named = List.of(args);
    boolean any = SekishoCommand.SUBCOMMANDS.keySet().stream().anyMatch(named::contains);
    for (var sub : SekishoCommand.SUBCOMMANDS.entrySet()) {
      if (!any || named.contains(sub.getKey())) {
        cl.addSubcommand(sub.getKey(), new CommandLine(sub.getValue(), factory));
      }
    }
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
          // the default logging (CliLogConfigurator) is the quiet one: logback starts only when
          // something logs, which `sekisho version` and most quiet runs never do
          if (flag(parseResult, "--verbose") || flag(parseResult, "--debug")) {
            LogConfig.apply(true);
          }
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
    OutOfMemoryError oom = outOfMemory(cause);
    if (oom != null) {
      cmd.getErr().println("sekisho: error: " + heapMessage(oom));
    } else if (ExitCode.expected(cause)) {
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

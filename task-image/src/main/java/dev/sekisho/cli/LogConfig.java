package dev.sekisho.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * The CLI configures logging, the library never does: quiet by default (warnings and errors on
 * stderr, set up by {@link CliLogConfigurator}), debug for Sekisho's own loggers with {@code -v}.
 */
final class LogConfig {
  private LogConfig() {}

  static void apply(boolean verbose) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger sekisho = context.getLogger("dev.sekisho");
    sekisho.setLevel(verbose ? Level.DEBUG : null);
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(verbose ? Level.INFO : Level.WARN);
  }
}

package dev.sekisho.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CliLogConfiguratorTest {

  @Test
  void warningsAndErrorsGoToStderrInOneLineEach() {
    LoggerContext context = new LoggerContext();
    CliLogConfigurator configurator = new CliLogConfigurator();
    configurator.setContext(context);
    assertThat(configurator.configure(context))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(root.getAppender("STDERR"))
        .isInstanceOfSatisfying(
            ConsoleAppender.class,
            a -> {
              assertThat(a.getTarget()).isEqualTo("System.err");
              assertThat(a.isStarted()).isTrue();
              assertThat(((PatternLayoutEncoder) a.getEncoder()).getPattern())
                  .isEqualTo("%-5level %logger{0}: %msg%n");
            });
  }

  @Test
  void logbackFindsItAndPrefersItToAnyXml() {
    assertThat(ServiceLoader.load(Configurator.class))
        .anySatisfy(c -> assertThat(c).isInstanceOf(CliLogConfigurator.class));
    // the test JVM was configured by it, although the operator's logback.xml is on this test
    // class path
    assertThat(
            ((LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory())
                .getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("STDERR"))
        .isNotNull();
  }
}

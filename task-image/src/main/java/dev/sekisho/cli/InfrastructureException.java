package dev.sekisho.cli;

/**
 * Something the scan needs is not there or not working (exit code 3), e.g. no vulnerability
 * database with --offline. The message says what and what to do.
 */
public class InfrastructureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InfrastructureException(String message) {
    super(message);
  }

  public InfrastructureException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.sekisho.scanner.policy;

import java.io.IOException;

/**
 * A policy file that cannot be read or is not a valid policy. The message names the file, the
 * document (1-based, for multi-document YAML) and the field.
 */
public class PolicyFileException extends IOException {
  public PolicyFileException(String message) {
    super(message);
  }

  public PolicyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.sekisho.scanner.input;

import java.io.IOException;

/**
 * A document a user handed to Sekisho (policy file, config file, SBOM) is too large or not
 * well-formed; the message names the file and the problem in plain words.
 */
public final class DocumentException extends IOException {
  public DocumentException(String message) {
    super(message);
  }

  public DocumentException(String message, Throwable cause) {
    super(message, cause);
  }
}

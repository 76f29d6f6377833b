package dev.sekisho.scanner.sbom;

import java.io.IOException;

/** The file given as an SBOM is not one Sekisho can read; the message names file and problem. */
public final class SbomFormatException extends IOException {
  public SbomFormatException(String message) {
    super(message);
  }
}

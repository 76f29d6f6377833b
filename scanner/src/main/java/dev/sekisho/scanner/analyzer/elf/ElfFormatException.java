package dev.sekisho.scanner.analyzer.elf;

import java.io.IOException;

/** The file claims to be ELF but its structure is broken or truncated: a content problem. */
public final class ElfFormatException extends IOException {
  public ElfFormatException(String message) {
    super(message);
  }
}

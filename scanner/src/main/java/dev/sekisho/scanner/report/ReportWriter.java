package dev.sekisho.scanner.report;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one report format. Each implementation maps the scan into its own wire model and
 * serialises that; none of them ever prints a secret's value (only the redacted excerpt the scanner
 * kept).
 */
public interface ReportWriter {
  /** Writes the report of {@code input} to {@code out} (UTF-8), without closing it. */
  void write(ReportInput input, OutputStream out) throws IOException;
}

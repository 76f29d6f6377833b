package dev.sekisho.scanner.vex;

import java.util.List;
import java.util.Objects;

/**
 * The statements read from one VEX document.
 *
 * @param source the file name, or ConfigMap namespace/name/key
 * @param format OpenVEX, CycloneDX or CSAF
 * @param statements the statements with at least one product a package URL identifies
 * @param unmatchable statements left out because no package URL identifies their products
 */
public record VexDocument(
    String source, String format, List<VexStatement> statements, int unmatchable) {
  public VexDocument {
    Objects.requireNonNull(source, "source");
    statements = List.copyOf(statements);
  }
}

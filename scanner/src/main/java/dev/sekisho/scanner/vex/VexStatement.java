package dev.sekisho.scanner.vex;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One VEX statement, whatever format it was read from.
 *
 * @param document where it was read from (a file name, or ConfigMap namespace/name/key)
 * @param vulnerability the vulnerability's main id as the document names it
 * @param aliases other ids of the same vulnerability the document gives (e.g. a GHSA id)
 * @param products the products (and subcomponents) the statement is about
 * @param status the status
 * @param justification why a product is not affected (OpenVEX, CSAF flag or CycloneDX justification
 *     name), or null
 * @param impactStatement free-text reason (OpenVEX impact_statement, CSAF impact threat, CycloneDX
 *     analysis detail), or null
 * @param timestamp when the statement was made (its own, else the document's), or null
 */
public record VexStatement(
    String document,
    String vulnerability,
    List<String> aliases,
    List<VexProduct> products,
    VexStatus status,
    String justification,
    String impactStatement,
    Instant timestamp) {

  public VexStatement {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(vulnerability, "vulnerability");
    Objects.requireNonNull(status, "status");
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    products = products == null ? List.of() : List.copyOf(products);
  }

  /** True when {@code id} is the statement's vulnerability or one of its aliases. */
  public boolean names(String id) {
    return vulnerability.equalsIgnoreCase(id) || aliases.stream().anyMatch(id::equalsIgnoreCase);
  }

  /**
   * The reason in one line: "status: justification: impact statement (VEX document)", the parts
   * that are present.
   */
  public String reason() {
    StringBuilder s = new StringBuilder(status.id());
    if (justification != null && !justification.isBlank()) {
      s.append(": ").append(justification);
    }
    if (impactStatement != null && !impactStatement.isBlank()) {
      s.append(": ").append(impactStatement.strip());
    }
    return s.append(" (VEX ").append(document).append(')').toString();
  }
}

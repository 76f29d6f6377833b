package dev.sekisho.scanner.policy;

import dev.sekisho.scanner.vex.VexStatement;
import java.time.Instant;
import java.util.List;

/**
 * An exception that excused findings, or an expired one (which excuses nothing). A VEX statement
 * that suppressed findings is reported the same way, with {@code vex} set.
 *
 * @param policy display name of the policy that declares it; "VEX" for a statement of a VEX
 *     document given to the scan itself (the CLI's --vex), not through a policy
 * @param exceptionId the exception's id; for VEX, the statement's vulnerability id
 * @param expired true when {@code now >= expires} (or the exception has no expiry): it no longer
 *     applies; always false for VEX
 * @param expires when it expires (null when the exception has none, and for VEX)
 * @param reason the declared reason; for VEX, status, justification, impact statement and document
 * @param coveredFindings ids of the findings it excused, or, when expired, would have excused
 * @param vex the VEX statement, or null for a policy exception
 * @param coveredPackages the package URLs of the packages whose findings it excused (for VEX,
 *     reports mark only these packages' findings: a statement is about packages)
 */
public record ExceptionUse(
    String policy,
    String exceptionId,
    boolean expired,
    Instant expires,
    String reason,
    List<String> coveredFindings,
    VexStatement vex,
    List<String> coveredPackages) {

  public ExceptionUse {
    coveredFindings = List.copyOf(coveredFindings);
    coveredPackages = coveredPackages == null ? List.of() : List.copyOf(coveredPackages);
  }

  /** A policy exception's use. */
  public ExceptionUse(
      String policy,
      String exceptionId,
      boolean expired,
      Instant expires,
      String reason,
      List<String> coveredFindings) {
    this(policy, exceptionId, expired, expires, reason, coveredFindings, null, List.of());
  }

  /** True for a VEX statement's suppression. */
  public boolean isVex() {
    return vex != null;
  }
}

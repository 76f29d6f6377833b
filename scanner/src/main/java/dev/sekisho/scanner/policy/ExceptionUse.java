package dev.sekisho.scanner.policy;

import java.time.Instant;
import java.util.List;

/**
 * An exception that excused findings, or an expired one (which excuses nothing).
 *
 * @param policy display name of the policy that declares it
 * @param exceptionId the exception's id
 * @param expired true when {@code now >= expires} (or the exception has no expiry): it no longer
 *     applies
 * @param expires when it expires (null when the exception has none)
 * @param reason the declared reason
 * @param coveredFindings ids of the findings it excused, or, when expired, would have excused
 */
public record ExceptionUse(
    String policy,
    String exceptionId,
    boolean expired,
    Instant expires,
    String reason,
    List<String> coveredFindings) {

  public ExceptionUse {
    coveredFindings = List.copyOf(coveredFindings);
  }
}

package dev.sekisho.operator.scanapi;

import java.util.List;
import java.util.Map;

/** An authenticated caller, as TokenReview reports it. */
public record Caller(
    String username, String uid, List<String> groups, Map<String, List<String>> extra) {
  private static final String SA_PREFIX = "system:serviceaccount:";

  /** The ServiceAccount as namespace/name, or the user name when the caller is not one. */
  public String serviceAccount() {
    return username.startsWith(SA_PREFIX)
        ? username.substring(SA_PREFIX.length()).replace(':', '/')
        : username;
  }
}

package dev.sekisho.scanner.scanapi;

import java.util.regex.Pattern;

/** The scan API's version and route. */
public final class ScanApi {
  /**
   * The version of the request and answer bodies. A request without {@code apiVersion} (as steps
   * before the field existed send it) is read as this version.
   */
  public static final String API_VERSION = "scan.sekisho.dev/v1";

  /** The route's pattern; group 1 is the namespace. */
  public static final Pattern ROUTE =
      Pattern.compile("^/api/v1/namespaces/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)/scans/?$");

  private ScanApi() {}

  /** The path a scan of {@code namespace} is posted to, relative to the server's root. */
  public static String path(String namespace) {
    return "api/v1/namespaces/" + namespace + "/scans";
  }
}

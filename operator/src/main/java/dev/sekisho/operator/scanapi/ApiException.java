package dev.sekisho.operator.scanapi;

/** A request the scan API refuses, with the HTTP status and a message for the caller. */
public final class ApiException extends Exception {
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}

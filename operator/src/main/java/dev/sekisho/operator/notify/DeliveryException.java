package dev.sekisho.operator.notify;

/**
 * A sink could not take a notification. {@link #permanent()} when trying again cannot help (the
 * receiver refused the request: 4xx other than 408 and 429); otherwise it is retried with backoff.
 */
public final class DeliveryException extends Exception {
  private final boolean permanent;

  public DeliveryException(String message, boolean permanent) {
    super(message);
    this.permanent = permanent;
  }

  public DeliveryException(String message, Throwable cause) {
    super(message, cause);
    this.permanent = false;
  }

  public boolean permanent() {
    return permanent;
  }
}

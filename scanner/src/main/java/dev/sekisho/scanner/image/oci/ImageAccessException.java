package dev.sekisho.scanner.image.oci;

import java.io.IOException;

/**
 * An image could not be read. The message says which image, registry, file or blob, and why; the
 * {@link #reason()} lets callers (the CLI's exit code, the operator's status) tell cases apart.
 */
public class ImageAccessException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why access failed. */
  public enum Reason {
    /** The registry refused the credentials, or none were given and it needs some (401/403). */
    UNAUTHORIZED,
    /** The repository, tag, manifest or blob does not exist (404), or a local file is missing. */
    NOT_FOUND,
    /** Still rate limited (429) or failing (5xx) after the bounded retries. */
    UNAVAILABLE,
    /** Content does not match its digest. */
    DIGEST_MISMATCH,
    /** A format this scanner does not read (schema 1, unknown media type, credential helpers). */
    UNSUPPORTED,
    /** An index has no image for the requested platform. */
    PLATFORM_NOT_FOUND,
    /** Malformed content or an unexpected answer. */
    INVALID,
    /** Network or file-system failure. */
    IO,
    /**
     * The registry was too slow: no connection, no data or no complete answer in time, or a layer
     * arriving below the minimum speed (see {@link
     * dev.sekisho.scanner.image.registry.RegistryLimits}).
     */
    TIMEOUT,
    /**
     * The registry's TLS certificate is not trusted (an unknown CA: see the CA bundle option) or
     * does not name the registry's host.
     */
    UNTRUSTED
  }

  private final Reason reason;

  public ImageAccessException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageAccessException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why access failed. */
  public Reason reason() {
    return reason;
  }
}

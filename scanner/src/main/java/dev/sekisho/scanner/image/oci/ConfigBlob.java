package dev.sekisho.scanner.image.oci;

import dev.sekisho.scanner.image.oci.ImageAccessException.Reason;
import java.io.IOException;
import java.io.InputStream;

/**
 * An image config as read from its blob. Every source (registry, OCI layout, docker archive) reads
 * its config through {@link #read}, so one size limit, one digest check and one shape check apply
 * to all of them.
 *
 * @param config the parsed config
 * @param digest the sha256 digest of the blob as read
 * @param size the blob's size in bytes
 */
public record ConfigBlob(ImageConfig config, Digest digest, long size) {

  /** Largest image config read (32 MiB; real configs are a few KiB). */
  public static final int MAX_BYTES = 32 << 20;

  /** Opens a blob; the stream may verify a digest and fail at its end on a mismatch. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * Reads, checks and parses a config blob. Nothing is opened when its declared size is over the
   * limit.
   *
   * @param blob opens the blob; the stream is read to its end (so that a verifying stream checks
   *     its digest) and closed
   * @param declaredSize the size its descriptor declares, or -1 when unknown
   * @param expected the digest the bytes must have, or null when the stream verifies it itself or
   *     nothing names it
   * @param what the config, named in errors ("the config sha256:… of registry/repo:tag")
   * @throws ImageAccessException INVALID when the blob is over {@link #MAX_BYTES} or not a config,
   *     DIGEST_MISMATCH when it does not match {@code expected}, IO when it cannot be read
   */
  public static ConfigBlob read(Opener blob, long declaredSize, Digest expected, String what)
      throws ImageAccessException {
    if (declaredSize > MAX_BYTES) {
      throw tooLarge(what);
    }
    byte[] bytes;
    try (InputStream in = blob.open()) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (ImageAccessException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageAccessException(Reason.IO, "cannot read " + what + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(what);
    }
    Digest digest = Digest.sha256(bytes);
    if (expected != null && !expected.matches(bytes)) {
      throw new ImageAccessException(
          Reason.DIGEST_MISMATCH,
          what
              + " does not match its digest "
              + expected
              + " (its bytes have digest "
              + digest
              + "; tampered or corrupt): rejected");
    }
    return new ConfigBlob(ImageConfig.parse(bytes, what), digest, bytes.length);
  }

  private static ImageAccessException tooLarge(String what) {
    return new ImageAccessException(
        Reason.INVALID,
        what + " is larger than " + MAX_BYTES + " bytes (the limit for an image config)");
  }
}

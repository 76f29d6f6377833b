package dev.sekisho.scanner.image.oci;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Passes content through while computing its digest, and fails at end of stream when the digest (or
 * the expected size) does not match. Readers must read to the end for the check to happen; content
 * read before the end must not be trusted until then.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final Digest expected;
  private final long expectedSize;
  private final String what;
  private final MessageDigest digest;
  private long count;
  private boolean verified;
  private ImageAccessException failure;

  /**
   * @param in the raw content
   * @param expected the digest it must have
   * @param expectedSize the size it must have, or -1 when unknown
   * @param what what the content is, for the error ("blob sha256:… of registry/repo")
   */
  public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.what = what;
    this.digest = expected.newMessageDigest();
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      verify();
    } else {
      digest.update((byte) b);
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (expectedSize >= 0 && len > 0) {
      // Never ask for more than one byte past the declared size: a blob that streams on forever
      // is stopped right there.
      len = (int) Math.min(len, expectedSize - count + 1);
    }
    int n = in.read(b, off, len);
    if (n < 0) {
      verify();
    } else if (n > 0) {
      digest.update(b, off, n);
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be digested.
    byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  /** Bytes read so far. */
  public long count() {
    return count;
  }

  /** True once the end was reached and the digest matched. */
  public boolean verified() {
    return verified;
  }

  private void counted(long n) throws IOException {
    count += n;
    if (expectedSize >= 0 && count > expectedSize) {
      throw new ImageAccessException(
          ImageAccessException.Reason.DIGEST_MISMATCH,
          what + " is longer than its declared size " + expectedSize + " bytes: rejected");
    }
  }

  private void verify() throws IOException {
    if (verified) {
      return;
    }
    if (failure != null) {
      throw failure;
    }
    String actual = expected.algorithm() + ":" + HexFormat.of().formatHex(digest.digest());
    if (expectedSize >= 0 && count != expectedSize) {
      throw failure =
          new ImageAccessException(
              ImageAccessException.Reason.DIGEST_MISMATCH,
              what
                  + " has "
                  + count
                  + " bytes, its descriptor says "
                  + expectedSize
                  + ": rejected");
    }
    if (!actual.equals(expected.toString())) {
      throw failure =
          new ImageAccessException(
              ImageAccessException.Reason.DIGEST_MISMATCH,
              what
                  + " does not match its digest: expected "
                  + expected
                  + ", got "
                  + actual
                  + " (tampered or corrupt content): rejected");
    }
    verified = true;
  }
}

package dev.sekisho.scanner.analyzer;

import dev.sekisho.scanner.model.ScanWarning;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems met while parsing one file, and the {@link AnalyzerLimits} applied to it: at most
 * {@link AnalyzerLimits#MAX_WARNINGS_PER_FILE} warnings are kept (a file of a million bad lines
 * would otherwise make a million warnings), the stream stops after {@link
 * AnalyzerLimits#maxFileBytes()}, and {@link #packageLimitReached} tells a parser to stop taking
 * packages. Every limit reached is a warning naming the file.
 */
public final class ParseProblems {
  private final AnalysisInput input;
  private final List<ScanWarning> warnings = new ArrayList<>();
  private int dropped;
  private boolean packageLimitWarned;

  public ParseProblems(AnalysisInput input) {
    this.input = input;
  }

  /** Adds a "cannot parse PATH in layer DIGEST: DETAIL" warning. */
  public void add(String detail) {
    if (warnings.size() < AnalyzerLimits.MAX_WARNINGS_PER_FILE) {
      warnings.add(input.cannotParse(detail));
    } else {
      dropped++;
    }
  }

  /**
   * The file's content, ending after {@link AnalyzerLimits#maxFileBytes()} bytes. A larger file
   * gets a warning now: only its first part is read.
   */
  public InputStream limitedStream() throws IOException {
    return limitedStream(
        AnalyzerLimits.maxFileBytes(),
        "the limit for one package database or lockfile; "
            + AnalyzerLimits.howToRaise(AnalyzerLimits.MAX_FILE_SIZE));
  }

  /**
   * The file's content, ending after {@code limit} bytes; a larger file gets a warning now naming
   * the limit as {@code limitDescription}.
   */
  public InputStream limitedStream(long limit, String limitDescription) throws IOException {
    long size = input.info().size();
    if (size > limit) {
      add(
          "the file is "
              + size
              + " bytes, over "
              + limit
              + " bytes ("
              + limitDescription
              + "): only its first "
              + limit
              + " bytes are read");
    }
    return new Limited(input.stream(), limit, null);
  }

  /**
   * {@code in} ending after {@code limit} bytes, for content inside the file (a compressed
   * section); when more bytes follow, a warning naming the limit as {@code limitDescription}.
   * Closing it leaves {@code in} open.
   */
  public InputStream limit(InputStream in, long limit, String what, String limitDescription) {
    return new Limited(
        in,
        limit,
        () ->
            add(
                what
                    + " is over "
                    + limit
                    + " bytes ("
                    + limitDescription
                    + "): only its first "
                    + limit
                    + " bytes are read"));
  }

  /**
   * True when {@code count} packages have been taken already and the parser must stop; warns the
   * first time.
   */
  public boolean packageLimitReached(int count) {
    int max = AnalyzerLimits.maxPackagesPerFile();
    if (count < max) {
      return false;
    }
    if (!packageLimitWarned) {
      packageLimitWarned = true;
      add(
          "more than "
              + max
              + " packages (the limit for one file; "
              + AnalyzerLimits.howToRaise(AnalyzerLimits.MAX_PACKAGES)
              + "): the rest of the file is not read");
    }
    return true;
  }

  /** The warnings, with one more counting those not kept. */
  public List<ScanWarning> warnings() {
    if (dropped == 0) {
      return warnings;
    }
    List<ScanWarning> all = new ArrayList<>(warnings);
    all.add(
        input.cannotParse(
            dropped
                + " more problems not listed (at most "
                + AnalyzerLimits.MAX_WARNINGS_PER_FILE
                + " are listed per file)"));
    return all;
  }

  /** A stream that ends after a number of bytes; closing it leaves the source open. */
  private static final class Limited extends FilterInputStream {
    private long left;
    private Runnable overLimit; // called once when a byte beyond the limit exists

    Limited(InputStream in, long limit, Runnable overLimit) {
      super(in);
      this.left = limit;
      this.overLimit = overLimit;
    }

    /** At the limit: tells whether more bytes follow, once. */
    private void atLimit() throws IOException {
      if (overLimit != null) {
        Runnable r = overLimit;
        overLimit = null;
        if (in.read() >= 0) {
          r.run();
        }
      }
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        atLimit();
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        if (len == 0) {
          return 0;
        }
        atLimit();
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public void close() {
      // the analyzer input's stream belongs to the core
    }
  }
}

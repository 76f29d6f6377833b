package dev.sekisho.scanner.analyzer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the lines of a UTF-8 text file with bounded memory: unlike {@link
 * java.io.BufferedReader#readLine()}, which gathers a whole line however long (a 2 GiB file without
 * a newline is one 2 GiB line), a line longer than {@link AnalyzerLimits#maxLineBytes()} is skipped
 * without being kept, and reported with its number to {@link ParseProblems}.
 *
 * <p>Lines end at '\n'; a '\r' before it is dropped. Bytes that are not UTF-8 become U+FFFD, as
 * with an {@link java.io.InputStreamReader}.
 */
public final class LineReader {
  private final InputStream in;
  private final int maxLine;
  private final ParseProblems problems;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int end;
  private boolean eof;
  private byte[] line = new byte[256];
  private long lineNumber;

  /** With the default line limit. */
  public LineReader(InputStream in, ParseProblems problems) {
    this(in, AnalyzerLimits.maxLineBytes(), problems);
  }

  public LineReader(InputStream in, int maxLineBytes, ParseProblems problems) {
    this.in = in;
    this.maxLine = maxLineBytes;
    this.problems = problems;
  }

  /** The number of the line {@link #readLine} returned last, from 1. */
  public long lineNumber() {
    return lineNumber;
  }

  /** The next line without its end, or null at the end of the stream. */
  public String readLine() throws IOException {
    while (true) {
      int length = 0;
      boolean tooLong = false;
      boolean any = false;
      while (true) {
        if (pos == end && !fill()) {
          if (!any) {
            return null;
          }
          break;
        }
        any = true;
        int nl = indexOfNewline();
        int stop = nl < 0 ? end : nl;
        int n = stop - pos;
        if (!tooLong) {
          if ((long) length + n > maxLine + 1L) { // + 1: room for a '\r' before the '\n'
            tooLong = true;
          } else {
            if (length + n > line.length) {
              line =
                  Arrays.copyOf(line, Math.min(Math.max(line.length * 2, length + n), maxLine + 1));
            }
            System.arraycopy(buf, pos, line, length, n);
            length += n;
          }
        }
        pos = nl < 0 ? end : nl + 1;
        if (nl >= 0) {
          break;
        }
      }
      lineNumber++;
      if (!tooLong && length > 0 && line[length - 1] == '\r') {
        length--;
      }
      if (tooLong || length > maxLine) {
        problems.add(
            "line "
                + lineNumber
                + ": longer than "
                + maxLine
                + " bytes (the limit for one line; "
                + AnalyzerLimits.howToRaise(AnalyzerLimits.MAX_LINE_LENGTH)
                + "): skipped");
        continue;
      }
      return new String(line, 0, length, StandardCharsets.UTF_8);
    }
  }

  private int indexOfNewline() {
    for (int i = pos; i < end; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      eof = true;
      pos = end = 0;
      return false;
    }
    pos = 0;
    end = n;
    return true;
  }
}

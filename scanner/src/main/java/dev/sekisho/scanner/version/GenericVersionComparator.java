package dev.sekisho.scanner.version;

import java.util.Comparator;

/**
 * A scheme-agnostic version order for ecosystems without a dedicated scheme: versions are split
 * into runs of digits and of other characters; digit runs compare numerically, others
 * lexicographically, and a {@code ~} run sorts before anything (as in dpkg). Good enough for dotted
 * numeric versions of every ecosystem; ecosystem-specific schemes take precedence when known.
 */
final class GenericVersionComparator implements Comparator<String> {
  static final GenericVersionComparator INSTANCE = new GenericVersionComparator();

  private GenericVersionComparator() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      if (i >= a.length()) {
        return b.charAt(j) == '~' ? 1 : -1;
      }
      if (j >= b.length()) {
        return a.charAt(i) == '~' ? -1 : 1;
      }
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int ei = runEnd(a, i, true);
        int ej = runEnd(b, j, true);
        int c = compareNumbers(a.substring(i, ei), b.substring(j, ej));
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      } else if (Character.isDigit(ca) || Character.isDigit(cb)) {
        // a separator or letter against a digit: "1.0" < "1.0a" is handled by length above; here a
        // letter run sorts after a number run except for '~'.
        if (ca == '~') {
          return -1;
        }
        if (cb == '~') {
          return 1;
        }
        return Character.isDigit(ca) ? 1 : -1;
      } else {
        int ei = runEnd(a, i, false);
        int ej = runEnd(b, j, false);
        int c = compareText(a.substring(i, ei), b.substring(j, ej));
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      }
    }
    return 0;
  }

  private static int runEnd(String s, int start, boolean digits) {
    int k = start;
    while (k < s.length() && Character.isDigit(s.charAt(k)) == digits) {
      k++;
    }
    return k;
  }

  private static int compareNumbers(String x, String y) {
    String a = x.replaceFirst("^0+(?=.)", "");
    String b = y.replaceFirst("^0+(?=.)", "");
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  private static int compareText(String x, String y) {
    for (int k = 0; k < Math.min(x.length(), y.length()); k++) {
      char cx = x.charAt(k);
      char cy = y.charAt(k);
      if (cx != cy) {
        return cx == '~' ? -1 : cy == '~' ? 1 : Character.compare(cx, cy);
      }
    }
    return Integer.compare(x.length(), y.length());
  }
}

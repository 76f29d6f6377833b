package dev.sekisho.scanner.secret;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * Finds which rules' keywords occur in a byte array, in one pass: an Aho-Corasick automaton over
 * ASCII-case-folded bytes, compiled to a full transition table so that each byte costs one array
 * read and one OR. Hand-written because this runs over every byte of every candidate file of every
 * layer, and the libraries at hand work on {@code CharSequence} (forcing a decode of files that
 * almost never contain a keyword).
 */
final class KeywordIndex {
  private final int[] next; // state * 256 + byte -> state
  private final long[] output; // state -> bit set of rules whose keyword ends here
  private final long allRules;

  /**
   * @param keywordsByRule for each rule (at most 64), its lower-case ASCII keywords
   */
  KeywordIndex(List<List<String>> keywordsByRule) {
    if (keywordsByRule.size() > 64) {
      throw new IllegalArgumentException("at most 64 rules");
    }
    List<int[]> gotoTable = new ArrayList<>();
    List<Long> out = new ArrayList<>();
    gotoTable.add(newRow());
    out.add(0L);
    for (int r = 0; r < keywordsByRule.size(); r++) {
      for (String keyword : keywordsByRule.get(r)) {
        int state = 0;
        for (int i = 0; i < keyword.length(); i++) {
          int b = keyword.charAt(i) & 0xff;
          if (gotoTable.get(state)[b] < 0) {
            gotoTable.get(state)[b] = gotoTable.size();
            gotoTable.add(newRow());
            out.add(0L);
          }
          state = gotoTable.get(state)[b];
        }
        out.set(state, out.get(state) | (1L << r));
      }
    }
    int states = gotoTable.size();
    int[] fail = new int[states];
    next = new int[states * 256];
    output = new long[states];
    for (int s = 0; s < states; s++) {
      output[s] = out.get(s);
    }
    // Breadth-first: complete the transitions with the failure function (a DFA).
    Queue<Integer> queue = new ArrayDeque<>();
    for (int b = 0; b < 256; b++) {
      int t = gotoTable.get(0)[b];
      if (t < 0) {
        next[b] = 0;
      } else {
        next[b] = t;
        fail[t] = 0;
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.remove();
      output[s] |= output[fail[s]];
      for (int b = 0; b < 256; b++) {
        int t = gotoTable.get(s)[b];
        if (t < 0) {
          next[s * 256 + b] = next[fail[s] * 256 + b];
        } else {
          next[s * 256 + b] = t;
          fail[t] = next[fail[s] * 256 + b];
          queue.add(t);
        }
      }
    }
    // Fold ASCII upper case onto lower case.
    for (int s = 0; s < states; s++) {
      for (int b = 'A'; b <= 'Z'; b++) {
        next[s * 256 + b] = next[s * 256 + (b | 0x20)];
      }
    }
    long all = 0;
    for (int r = 0; r < keywordsByRule.size(); r++) {
      all |= 1L << r;
    }
    allRules = all;
  }

  private static int[] newRow() {
    int[] row = new int[256];
    Arrays.fill(row, -1);
    return row;
  }

  /** Bit set of the rules with a keyword in {@code data[0..length)}. */
  long match(byte[] data, int length) {
    int[] next = this.next;
    long[] output = this.output;
    int state = 0;
    long found = 0;
    for (int i = 0; i < length; i++) {
      state = next[(state << 8) | (data[i] & 0xff)];
      long o = output[state];
      if (o != 0) {
        found |= o;
        if (found == allRules) {
          return found;
        }
      }
    }
    return found;
  }
}

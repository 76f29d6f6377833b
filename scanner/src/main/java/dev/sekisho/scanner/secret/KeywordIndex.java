package dev.sekisho.scanner.secret;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * Finds where rules' keywords occur in a byte array, in one pass: an Aho-Corasick automaton over
 * ASCII-case-folded bytes, compiled to a full transition table over byte classes (the bytes of the
 * keywords, and one class for all other bytes). States are numbered so that every state that ends a
 * keyword comes after all others, and transitions hold the target state's row offset: each byte
 * costs two reads from small tables and one comparison, and nothing is allocated for a file without
 * a keyword. Hand-written because this runs over every byte of every candidate file of every layer,
 * and the libraries at hand work on {@code CharSequence} (forcing a decode of files that almost
 * never contain a keyword).
 */
final class KeywordIndex {
  private final byte[] byteClass; // byte -> its column in a row
  private final int stride; // columns per row
  private final int[] next; // row offset (state * stride) + column -> the next state's row offset
  private final int firstOutputRow; // rows from here on end at least one keyword
  private final long[] output; // state -> bit set of rules whose keyword ends here

  /** Where keywords were found in one file: hit i ends before {@code ends[i]}. */
  static final class Hits {
    private int count;
    private int[] ends = new int[16];
    private long[] rules = new long[16];
    private long all;

    /** Bit set of the rules with at least one keyword in the file. */
    long rules() {
      return all;
    }

    int count() {
      return count;
    }

    /** Offset just past the end of hit {@code i}; hits are in increasing order. */
    int end(int i) {
      return ends[i];
    }

    /** Bit set of the rules one of whose keywords ends at hit {@code i}. */
    long rulesAt(int i) {
      return rules[i];
    }

    private void add(int end, long r) {
      if (count == ends.length) {
        ends = Arrays.copyOf(ends, count * 2);
        rules = Arrays.copyOf(rules, count * 2);
      }
      ends[count] = end;
      rules[count] = r;
      count++;
      all |= r;
    }
  }

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
    int[] dfa = new int[states * 256];
    long[] outputs = new long[states];
    for (int s = 0; s < states; s++) {
      outputs[s] = out.get(s);
    }
    // Breadth-first: complete the transitions with the failure function (a DFA).
    Queue<Integer> queue = new ArrayDeque<>();
    for (int b = 0; b < 256; b++) {
      int t = gotoTable.get(0)[b];
      if (t < 0) {
        dfa[b] = 0;
      } else {
        dfa[b] = t;
        fail[t] = 0;
        queue.add(t);
      }
    }
    while (!queue.isEmpty()) {
      int s = queue.remove();
      outputs[s] |= outputs[fail[s]];
      for (int b = 0; b < 256; b++) {
        int t = gotoTable.get(s)[b];
        if (t < 0) {
          dfa[s * 256 + b] = dfa[fail[s] * 256 + b];
        } else {
          dfa[s * 256 + b] = t;
          fail[t] = dfa[fail[s] * 256 + b];
          queue.add(t);
        }
      }
    }
    // Fold ASCII upper case onto lower case.
    for (int s = 0; s < states; s++) {
      for (int b = 'A'; b <= 'Z'; b++) {
        dfa[s * 256 + b] = dfa[s * 256 + (b | 0x20)];
      }
    }
    // Bytes that occur in no keyword all behave alike: map every byte to its class (0 for
    // those), so that a state's row has one entry per class and the whole table stays in the
    // CPU's first-level cache.
    byteClass = new byte[256];
    int classes = 1;
    for (List<String> keywords : keywordsByRule) {
      for (String keyword : keywords) {
        for (int i = 0; i < keyword.length(); i++) {
          int b = keyword.charAt(i) & 0xff;
          if (byteClass[b] == 0) {
            byteClass[b] = (byte) classes++;
          }
        }
      }
    }
    if (classes > 127) {
      throw new IllegalArgumentException("keywords use more than 126 distinct characters");
    }
    for (int b = 'A'; b <= 'Z'; b++) {
      byteClass[b] = byteClass[b | 0x20];
    }
    int[] representative = new int[classes];
    for (int b = 255; b >= 0; b--) {
      representative[byteClass[b]] = b;
    }
    // Renumber: states without output first (the start state stays 0), then those with output.
    int[] number = new int[states];
    int n = 0;
    for (int s = 0; s < states; s++) {
      if (outputs[s] == 0) {
        number[s] = n++;
      }
    }
    int firstOutput = n;
    for (int s = 0; s < states; s++) {
      if (outputs[s] != 0) {
        number[s] = n++;
      }
    }
    next = new int[states * classes];
    output = new long[states];
    for (int s = 0; s < states; s++) {
      output[number[s]] = outputs[s];
      for (int c = 0; c < classes; c++) {
        next[number[s] * classes + c] = number[dfa[s * 256 + representative[c]]] * classes;
      }
    }
    stride = classes;
    firstOutputRow = firstOutput * classes;
  }

  private static int[] newRow() {
    int[] row = new int[256];
    Arrays.fill(row, -1);
    return row;
  }

  /** Bit set of the rules with a keyword in {@code data[0..length)}. */
  long match(byte[] data, int length) {
    return find(data, length).rules();
  }

  /** Every keyword occurrence in {@code data[0..length)}, in order. */
  Hits find(byte[] data, int length) {
    byte[] byteClass = this.byteClass;
    int[] next = this.next;
    int firstOutputRow = this.firstOutputRow;
    int row = 0;
    Hits hits = null;
    for (int i = 0; i < length; i++) {
      row = next[row + byteClass[data[i] & 0xff]];
      if (row >= firstOutputRow) {
        if (hits == null) {
          hits = new Hits();
        }
        hits.add(i + 1, output[row / stride]);
      }
    }
    return hits == null ? new Hits() : hits;
  }
}

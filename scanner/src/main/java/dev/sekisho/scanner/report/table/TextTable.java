package dev.sekisho.scanner.report.table;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table with columns padded to their widest cell. Hand-written: a dozen lines, and no
 * table library on Maven Central handles ANSI colour in cells without extra dependencies.
 */
final class TextTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> rowColours = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row; {@code colour} (an ANSI prefix or "") is applied to the whole row. */
  void row(String colour, String... cells) {
    List<String> r = new ArrayList<>();
    for (String c : cells) {
      r.add(c == null ? "" : c);
    }
    rows.add(r);
    rowColours.add(colour);
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void render(StringBuilder out, String indent, Ansi ansi) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < headers.size(); i++) {
      widths[i] = headers.get(i).length();
    }
    for (List<String> r : rows) {
      for (int i = 0; i < r.size() && i < widths.length; i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    out.append(indent).append(ansi.bold(line(headers, widths))).append('\n');
    for (int i = 0; i < rows.size(); i++) {
      out.append(indent)
          .append(ansi.wrap(rowColours.get(i), line(rows.get(i), widths)))
          .append('\n');
    }
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      b.append(cell);
      if (i < cells.size() - 1) {
        b.append(" ".repeat(widths[i] - cell.length() + 2));
      }
    }
    return b.toString().stripTrailing();
  }
}

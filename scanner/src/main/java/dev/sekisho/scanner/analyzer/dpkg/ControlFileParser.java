package dev.sekisho.scanner.analyzer.dpkg;

import dev.sekisho.scanner.analyzer.AnalyzerLimits;
import dev.sekisho.scanner.analyzer.LineReader;
import dev.sekisho.scanner.analyzer.ParseProblems;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads Debian control-file paragraphs (deb822: "Field: value" lines, continuation lines start with
 * a space or tab, paragraphs are separated by blank lines) as dpkg writes them in its status
 * database. Malformed lines are skipped and reported with their line number.
 *
 * <p>Memory is bounded whatever the file: lines come from a {@link LineReader} (a line over the
 * line limit is skipped with a warning), only the fields asked for are kept, a kept field's value
 * grows to at most the line limit, and each paragraph is handed on as soon as it ends.
 */
final class ControlFileParser {
  /** One paragraph: its kept fields (continuation lines joined with "\n") and first line number. */
  record Paragraph(Map<String, String> fields, long line) {
    String get(String field) {
      return fields.get(field);
    }
  }

  /** Receives each paragraph; returns false to stop reading. */
  @FunctionalInterface
  interface ParagraphHandler {
    boolean accept(Paragraph paragraph);
  }

  private ControlFileParser() {}

  /**
   * Reads paragraphs and hands each to {@code handler}, keeping only the fields named in {@code
   * keep}. A paragraph counts when it has any field, kept or not.
   */
  static void parse(
      LineReader lines, Set<String> keep, ParseProblems problems, ParagraphHandler handler)
      throws IOException {
    int maxValue = AnalyzerLimits.maxLineBytes();
    Map<String, String> fields = new HashMap<>();
    boolean inParagraph = false;
    String lastField = null;
    long start = 0;
    String line;
    while ((line = lines.readLine()) != null) {
      long lineNo = lines.lineNumber();
      if (line.isBlank()) {
        if (inParagraph) {
          if (!handler.accept(new Paragraph(fields, start))) {
            return;
          }
          fields = new HashMap<>();
          inParagraph = false;
        }
        lastField = null;
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (lastField == null) {
          problems.add("line " + lineNo + ": continuation line without a field");
        } else if (keep.contains(lastField)) {
          String before = fields.get(lastField);
          String more = line.strip();
          if (before.length() + 1 + more.length() > maxValue) {
            problems.add(
                "line "
                    + lineNo
                    + ": field "
                    + lastField
                    + " longer than "
                    + maxValue
                    + " characters: the rest of it is skipped");
            lastField = null;
          } else {
            fields.put(lastField, before + "\n" + more);
          }
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        problems.add("line " + lineNo + ": not a field: " + abbreviate(line));
        lastField = null;
        continue;
      }
      if (!inParagraph) {
        start = lineNo;
        inParagraph = true;
      }
      lastField = line.substring(0, colon);
      if (keep.contains(lastField)) {
        fields.put(lastField, line.substring(colon + 1).strip());
      }
    }
    if (inParagraph) {
      handler.accept(new Paragraph(fields, start));
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }
}

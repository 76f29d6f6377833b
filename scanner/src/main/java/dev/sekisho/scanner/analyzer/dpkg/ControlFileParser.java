package dev.sekisho.scanner.analyzer.dpkg;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Debian control-file paragraphs (deb822: "Field: value" lines, continuation lines start with
 * a space or tab, paragraphs are separated by blank lines) as dpkg writes them in its status
 * database. Malformed lines are skipped and reported with their line number.
 */
final class ControlFileParser {
  /** One paragraph: its fields (continuation lines joined with "\n") and first line number. */
  record Paragraph(Map<String, String> fields, int line) {
    String get(String field) {
      return fields.get(field);
    }
  }

  /** The paragraphs read and the problems met. */
  record Parsed(List<Paragraph> paragraphs, List<String> problems) {}

  private ControlFileParser() {}

  static Parsed parse(BufferedReader reader) throws IOException {
    List<Paragraph> paragraphs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> fields = new LinkedHashMap<>();
    String lastField = null;
    int start = 0;
    int lineNo = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        if (!fields.isEmpty()) {
          paragraphs.add(new Paragraph(fields, start));
          fields = new LinkedHashMap<>();
        }
        lastField = null;
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (lastField == null) {
          problems.add("line " + lineNo + ": continuation line without a field");
        } else {
          fields.merge(lastField, line.strip(), (a, b) -> a + "\n" + b);
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        problems.add("line " + lineNo + ": not a field: " + abbreviate(line));
        lastField = null;
        continue;
      }
      if (fields.isEmpty()) {
        start = lineNo;
      }
      lastField = line.substring(0, colon);
      fields.put(lastField, line.substring(colon + 1).strip());
    }
    if (!fields.isEmpty()) {
      paragraphs.add(new Paragraph(fields, start));
    }
    return new Parsed(paragraphs, problems);
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }
}

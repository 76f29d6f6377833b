package dev.sekisho.scanner.analyzer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streaming JSON parsers for package databases and lockfiles, with bounded memory: analyzers read
 * tokens and keep only the fields they need instead of building a tree of the whole document (a
 * tree costs 10 to 30 times the file's size). The parser limits nesting to {@link
 * AnalyzerLimits#MAX_JSON_DEPTH} levels and every string and field name to {@link
 * AnalyzerLimits#maxLineBytes()} characters (values skipped with {@link JsonParser#skipChildren()}
 * or not asked for are never held); the document's length is limited by the stream ({@link
 * ParseProblems#limitedStream()}).
 */
public final class LimitedJson {
  // Field names are neither interned nor canonicalized: lockfiles key entries by install path or
  // package name, nearly all distinct, and a shared symbol table would only grow.
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(AnalyzerLimits.MAX_JSON_DEPTH)
                  .maxStringLength(AnalyzerLimits.maxLineBytes())
                  .maxNameLength(AnalyzerLimits.maxLineBytes())
                  .build())
          .build();

  private LimitedJson() {}

  /** A parser over {@code in}; closing it leaves {@code in} open. */
  public static JsonParser parser(InputStream in) throws IOException {
    JsonParser parser = FACTORY.createParser(in);
    parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    return parser;
  }

  /** A parser over bytes in memory. */
  public static JsonParser parser(byte[] json) throws IOException {
    return FACTORY.createParser(json);
  }

  /**
   * A warning's detail for a parse failure: the parser's message, and for a limit, which limit and
   * how to raise it.
   */
  public static String describe(JacksonException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 0
            ? ""
            : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    if (e instanceof StreamConstraintsException) {
      return where
          + e.getOriginalMessage()
          + " (a limit of the scanner's JSON reading: nesting depth "
          + AnalyzerLimits.MAX_JSON_DEPTH
          + ", strings "
          + AnalyzerLimits.maxLineBytes()
          + " characters; "
          + AnalyzerLimits.howToRaise(AnalyzerLimits.MAX_LINE_LENGTH)
          + " for strings)";
    }
    return e.getOriginalMessage();
  }
}

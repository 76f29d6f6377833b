package dev.sekisho.scanner.cvss;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The rows of a {@code cvss-v*-scores.txt} test resource: "VECTOR SCORE" per line, # comments. */
record ScoreTable(String line, String vector, double score) {

  static List<ScoreTable> read(String resource) {
    List<ScoreTable> rows = new ArrayList<>();
    try (InputStream in = ScoreTable.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " is missing");
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.strip().split("\\s+");
        rows.add(new ScoreTable(line, f[0], Double.parseDouble(f[1])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return rows;
  }
}

package dev.sekisho.scanner.version;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One {@code <scheme>-versions.txt} data file of "a < b", "a = b", "a > b" lines. */
record VersionDataFile(String name, List<Case> cases) {

  /** One line: {@code expected} is -1, 0 or 1. */
  record Case(int line, String a, String op, String b, int expected) {
    @Override
    public String toString() {
      return line + ": " + a + " " + op + " " + b;
    }
  }

  static VersionDataFile load(String scheme) throws IOException {
    String name = scheme + "-versions.txt";
    try (InputStream in = VersionDataFile.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      List<Case> cases = new ArrayList<>();
      for (int i = 0; i < lines.length; i++) {
        String l = lines[i].strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        String[] f = l.split("\\s+");
        if (f.length != 3) {
          throw new IOException(name + ": line " + (i + 1) + ": expected \"a OP b\": " + l);
        }
        int expected =
            switch (f[1]) {
              case "<" -> -1;
              case "=" -> 0;
              case ">" -> 1;
              default ->
                  throw new IOException(name + ": line " + (i + 1) + ": bad operator " + f[1]);
            };
        cases.add(new Case(i + 1, f[0], f[1], f[2], expected));
      }
      return new VersionDataFile(name, cases);
    }
  }
}

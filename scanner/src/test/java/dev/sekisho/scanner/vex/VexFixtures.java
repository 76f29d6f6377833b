package dev.sekisho.scanner.vex;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The VEX documents of src/test/resources/vex, read through {@link VexReader}. */
public final class VexFixtures {
  private VexFixtures() {}

  public static byte[] bytes(String name) {
    try (InputStream in = VexFixtures.class.getResourceAsStream("/vex/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource vex/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static VexDocument read(String name) {
    try {
      return VexReader.parse(bytes(name), name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static VexStatements statements(String name) {
    return VexStatements.of(java.util.List.of(read(name)));
  }
}

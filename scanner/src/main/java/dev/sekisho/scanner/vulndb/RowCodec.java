package dev.sekisho.scanner.vulndb;

import dev.sekisho.api.v1alpha1.Severity;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of the {@code affected.data} and {@code advisory.data} columns.
 *
 * <p>Matching reads every affected row of every installed package name, so that row is a compact
 * pre-decoded match form (ranges with their events, listed versions, the distro's rating,
 * will-not-fix flag and, for Go, the GOOS/GOARCH lists of the advisory's imports and the imports
 * themselves: package path, vulnerable symbols, platforms) that decodes without a JSON parser; the
 * advisory row is read only for hits and carries its dates as epoch milliseconds, so no date is
 * parsed while matching. Both layouts are part of the schema: change them only with {@link
 * Schema#VERSION}.
 *
 * <p>Layout: counts and lengths are unsigned LEB128 varints, strings UTF-8 with a length, absent
 * strings length 0 after a 0 presence byte.
 */
final class RowCodec {

  private static final byte ECOSYSTEM = 0;
  private static final byte SEMVER = 1;

  private static final byte INTRODUCED = 0;
  private static final byte FIXED = 1;
  private static final byte LAST_AFFECTED = 2;
  private static final byte LIMIT = 3;

  private static final Severity[] SEVERITIES = Severity.values();

  private RowCodec() {}

  /** The decoded affected row. */
  record Affected(
      List<OsvRecord.Range> ranges,
      List<String> versions,
      Severity distro,
      boolean wontFix,
      List<AffectedEntry.Platform> platforms,
      List<AffectedEntry.GoImport> imports) {}

  /** The decoded advisory row (without its id, which has its own column). */
  record StoredAdvisory(
      List<String> aliases,
      String summary,
      Instant published,
      Instant modified,
      String cvssVector,
      Double cvssScore,
      Severity rated,
      List<String> refs) {}

  static byte[] encodeAffected(
      List<OsvRecord.Range> ranges,
      List<String> versions,
      Severity distro,
      boolean wontFix,
      List<AffectedEntry.Platform> platforms,
      List<AffectedEntry.GoImport> imports) {
    Out out = new Out();
    out.varint(ranges.size());
    for (OsvRecord.Range r : ranges) {
      out.b("SEMVER".equals(r.type()) ? SEMVER : ECOSYSTEM);
      List<OsvRecord.Event> events = new ArrayList<>();
      for (OsvRecord.Event e : r.events()) {
        if (e.introduced() != null
            || e.fixed() != null
            || e.lastAffected() != null
            || e.limit() != null) {
          events.add(e);
        }
      }
      out.varint(events.size());
      for (OsvRecord.Event e : events) {
        if (e.introduced() != null) {
          out.b(INTRODUCED).string(e.introduced());
        } else if (e.fixed() != null) {
          out.b(FIXED).string(e.fixed());
        } else if (e.lastAffected() != null) {
          out.b(LAST_AFFECTED).string(e.lastAffected());
        } else {
          out.b(LIMIT).string(e.limit());
        }
      }
    }
    out.strings(versions);
    out.b(distro == null ? -1 : distro.ordinal());
    out.b(wontFix ? 1 : 0);
    out.varint(platforms.size());
    for (AffectedEntry.Platform p : platforms) {
      out.strings(p.goos());
      out.strings(p.goarch());
    }
    out.varint(imports.size());
    for (AffectedEntry.GoImport i : imports) {
      out.string(i.path());
      out.strings(i.symbols());
      out.strings(i.platform().goos());
      out.strings(i.platform().goarch());
    }
    return out.bytes();
  }

  /**
   * Decodes an affected row.
   *
   * @throws IllegalArgumentException saying what is wrong ("row of 12 bytes ends early at byte 9")
   *     when the row is truncated or corrupt
   */
  static Affected decodeAffected(byte[] data) {
    In in = new In(data);
    int n = in.varint();
    in.need(n, n + " ranges");
    List<OsvRecord.Range> ranges = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String type = in.b() == SEMVER ? "SEMVER" : "ECOSYSTEM";
      int m = in.varint();
      in.need(m, m + " events");
      List<OsvRecord.Event> events = new ArrayList<>(m);
      for (int j = 0; j < m; j++) {
        byte kind = in.b();
        String v = in.string();
        events.add(
            switch (kind) {
              case INTRODUCED -> new OsvRecord.Event(v, null, null, null);
              case FIXED -> new OsvRecord.Event(null, v, null, null);
              case LAST_AFFECTED -> new OsvRecord.Event(null, null, v, null);
              default -> new OsvRecord.Event(null, null, null, v);
            });
      }
      ranges.add(new OsvRecord.Range(type, events));
    }
    List<String> versions = in.strings();
    Severity distro = in.severity();
    boolean wontFix = in.b() != 0;
    int np = in.varint();
    // every platform takes at least its two count bytes
    in.need(2 * np, np + " platforms");
    List<AffectedEntry.Platform> platforms = new ArrayList<>(np);
    for (int i = 0; i < np; i++) {
      platforms.add(new AffectedEntry.Platform(in.strings(), in.strings()));
    }
    int ni = in.varint();
    // every import takes at least its path length and three count bytes
    in.need(4 * ni, ni + " imports");
    List<AffectedEntry.GoImport> imports = new ArrayList<>(ni);
    for (int i = 0; i < ni; i++) {
      String path = in.string();
      List<String> symbols = in.strings();
      imports.add(
          new AffectedEntry.GoImport(
              path, symbols, new AffectedEntry.Platform(in.strings(), in.strings())));
    }
    in.end();
    return new Affected(ranges, versions, distro, wontFix, platforms, imports);
  }

  static byte[] encodeAdvisory(StoredAdvisory a) {
    Out out = new Out();
    out.strings(a.aliases());
    out.nullableString(a.summary());
    out.instant(a.published());
    out.instant(a.modified());
    out.nullableString(a.cvssVector());
    out.b(a.cvssScore() == null ? 0 : 1);
    if (a.cvssScore() != null) {
      out.varint((int) Math.round(a.cvssScore() * 10));
    }
    out.b(a.rated() == null ? -1 : a.rated().ordinal());
    out.strings(a.refs());
    return out.bytes();
  }

  /**
   * Decodes an advisory row.
   *
   * @throws IllegalArgumentException saying what is wrong when the row is truncated or corrupt
   */
  static StoredAdvisory decodeAdvisory(byte[] data) {
    In in = new In(data);
    List<String> aliases = in.strings();
    String summary = in.nullableString();
    Instant published = in.instant();
    Instant modified = in.instant();
    String vector = in.nullableString();
    Double score = in.b() == 0 ? null : in.varint() / 10.0;
    Severity rated = in.severity();
    List<String> refs = in.strings();
    in.end();
    return new StoredAdvisory(aliases, summary, published, modified, vector, score, rated, refs);
  }

  private static final class Out {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(128);

    Out b(int v) {
      buf.write(v);
      return this;
    }

    void varint(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("negative length " + v);
      }
      while ((v & ~0x7F) != 0) {
        buf.write((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf.write(v);
    }

    Out string(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      varint(bytes.length);
      buf.write(bytes, 0, bytes.length);
      return this;
    }

    void nullableString(String s) {
      b(s == null ? 0 : 1);
      if (s != null) {
        string(s);
      }
    }

    void strings(List<String> list) {
      varint(list.size());
      for (String s : list) {
        string(s);
      }
    }

    void instant(Instant t) {
      long v = t == null ? Long.MIN_VALUE : t.toEpochMilli();
      for (int i = 7; i >= 0; i--) {
        buf.write((int) (v >>> (i * 8)));
      }
    }

    byte[] bytes() {
      return buf.toByteArray();
    }
  }

  /** Reads a row; every read checks the row's end, so a corrupt row fails with what is wrong. */
  private static final class In {
    private final ByteBuffer buf;

    In(byte[] data) {
      if (data == null) {
        throw new IllegalArgumentException("row data is NULL");
      }
      buf = ByteBuffer.wrap(data);
    }

    void need(int n, String what) {
      if (n < 0 || buf.remaining() < n) {
        throw new IllegalArgumentException(
            "row of "
                + buf.capacity()
                + " bytes ends early at byte "
                + buf.position()
                + " ("
                + what
                + " needs "
                + (n < 0 ? "a negative length " + n : n + " bytes")
                + ")");
      }
    }

    byte b() {
      need(1, "a byte");
      return buf.get();
    }

    int varint() {
      int v = 0;
      int shift = 0;
      while (true) {
        if (shift > 28) {
          throw new IllegalArgumentException(
              "row of "
                  + buf.capacity()
                  + " bytes has an over-long number at byte "
                  + buf.position());
        }
        byte x = b();
        v |= (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
        shift += 7;
      }
    }

    String string() {
      int n = varint();
      need(n, "a string");
      String s = new String(buf.array(), buf.position(), n, StandardCharsets.UTF_8);
      buf.position(buf.position() + n);
      return s;
    }

    String nullableString() {
      return b() == 0 ? null : string();
    }

    List<String> strings() {
      int n = varint();
      // every string takes at least its length byte: a count beyond the row is corrupt
      need(n, n + " strings");
      List<String> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(string());
      }
      return out;
    }

    Instant instant() {
      need(8, "a timestamp");
      long v = buf.getLong();
      return v == Long.MIN_VALUE ? null : Instant.ofEpochMilli(v);
    }

    Severity severity() {
      byte s = b();
      if (s >= SEVERITIES.length) {
        throw new IllegalArgumentException(
            "row has an unknown severity code " + s + " at byte " + (buf.position() - 1));
      }
      return s < 0 ? null : SEVERITIES[s];
    }

    void end() {
      if (buf.hasRemaining()) {
        throw new IllegalArgumentException(
            "row of "
                + buf.capacity()
                + " bytes has "
                + buf.remaining()
                + " bytes left over after byte "
                + buf.position());
      }
    }
  }
}

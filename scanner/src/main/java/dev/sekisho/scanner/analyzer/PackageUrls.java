package dev.sekisho.scanner.analyzer;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import com.github.packageurl.PackageURLBuilder;
import dev.sekisho.scanner.model.PackageType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds, prints and parses package URLs. packageurl-java validates and normalises the parts (type
 * rules such as PyPI's lower-case names); the text form is written and read here, because
 * packageurl-java 1.5.0, the newest release, percent-encodes wrongly: a byte of 0x80 or more (any
 * non-ASCII character) becomes {@code %FFFFFFC3}, a byte below 0x10 a single hex digit ({@code
 * %1}), and parsing decodes each {@code %XX} as one char instead of UTF-8 (so {@code café} comes
 * back as {@code cafÃ©}) and fails with an index error on a lone {@code %}. Here, as the purl spec
 * says, every byte of the UTF-8 form other than the RFC 3986 unreserved characters (letters,
 * digits, {@code -._~}) is {@code %} and two upper-case hex digits, and parsing decodes UTF-8
 * strictly.
 */
public final class PackageUrls {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PackageUrls() {}

  /**
   * The canonical purl, or null when the parts cannot form one (an analyzer then still records the
   * package, without purl).
   *
   * @param namespace namespace (Maven groupId, npm scope without "@", distro vendor), or null
   * @param qualifiers qualifiers; null or empty values are left out
   */
  public static String of(
      PackageType type,
      String namespace,
      String name,
      String version,
      Map<String, String> qualifiers) {
    try {
      PackageURLBuilder b =
          PackageURLBuilder.aPackageURL().withType(type.purlType()).withName(name);
      if (namespace != null && !namespace.isEmpty()) {
        b.withNamespace(namespace);
      }
      if (version != null && !version.isEmpty()) {
        b.withVersion(version);
      }
      if (qualifiers != null) {
        new TreeMap<>(qualifiers)
            .forEach(
                (k, v) -> {
                  if (v != null && !v.isEmpty()) {
                    b.withQualifier(k, v);
                  }
                });
      }
      return canonical(b.build());
    } catch (MalformedPackageURLException | IllegalArgumentException e) {
      return null;
    }
  }

  /** A purl without namespace or qualifiers. */
  public static String of(PackageType type, String name, String version) {
    return of(type, null, name, version, null);
  }

  /** The canonical text of a purl: qualifiers sorted, every part percent-encoded as UTF-8. */
  public static String canonical(PackageURL purl) {
    StringBuilder s = new StringBuilder("pkg:").append(purl.getType()).append('/');
    if (purl.getNamespace() != null && !purl.getNamespace().isEmpty()) {
      encodeSegments(s, purl.getNamespace());
      s.append('/');
    }
    encode(s, purl.getName());
    if (purl.getVersion() != null && !purl.getVersion().isEmpty()) {
      encode(s.append('@'), purl.getVersion());
    }
    Map<String, String> qualifiers = purl.getQualifiers();
    if (qualifiers != null && !qualifiers.isEmpty()) {
      char separator = '?';
      for (Map.Entry<String, String> q : new TreeMap<>(qualifiers).entrySet()) {
        s.append(separator).append(q.getKey().toLowerCase(Locale.ROOT)).append('=');
        encode(s, q.getValue());
        separator = '&';
      }
    }
    if (purl.getSubpath() != null && !purl.getSubpath().isEmpty()) {
      encodeSegments(s.append('#'), purl.getSubpath());
    }
    return s.toString();
  }

  /**
   * Parses a purl as the spec says (subpath after the last {@code #}, qualifiers after the last
   * {@code ?}, version after the last {@code @}, name after the last {@code /}), decoding each part
   * as UTF-8; packageurl-java then validates and normalises the parts.
   *
   * @throws MalformedPackageURLException when the text is not a purl, with a bad {@code %} escape
   *     or bytes that are not UTF-8 among them
   */
  public static PackageURL parse(String text) throws MalformedPackageURLException {
    if (text == null || text.isBlank()) {
      throw new MalformedPackageURLException("empty purl");
    }
    String rest = text.strip();
    String subpath = null;
    int hash = rest.lastIndexOf('#');
    if (hash >= 0) {
      subpath = decodeSegments(rest.substring(hash + 1), true);
      rest = rest.substring(0, hash);
    }
    TreeMap<String, String> qualifiers = null;
    int question = rest.lastIndexOf('?');
    if (question >= 0) {
      qualifiers = new TreeMap<>();
      for (String pair : rest.substring(question + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          continue; // a key without value is left out
        }
        String key = pair.substring(0, eq).toLowerCase(Locale.ROOT);
        if (qualifiers.put(key, decode(pair.substring(eq + 1))) != null) {
          throw new MalformedPackageURLException("qualifier '" + key + "' is given twice");
        }
      }
      rest = rest.substring(0, question);
    }
    int colon = rest.indexOf(':');
    if (colon < 0 || !rest.substring(0, colon).equalsIgnoreCase("pkg")) {
      throw new MalformedPackageURLException("a purl starts with 'pkg:'");
    }
    rest = strip(rest.substring(colon + 1), '/');
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new MalformedPackageURLException("a purl has a type and a name");
    }
    String type = rest.substring(0, slash).toLowerCase(Locale.ROOT);
    rest = rest.substring(slash + 1);
    String version = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      version = decode(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String namespace = null;
    int last = rest.lastIndexOf('/');
    if (last >= 0) {
      namespace = decodeSegments(rest.substring(0, last), false);
      rest = rest.substring(last + 1);
    }
    return new PackageURL(
        type,
        namespace,
        decode(rest),
        version == null || version.isEmpty() ? null : version,
        qualifiers == null || qualifiers.isEmpty() ? null : qualifiers,
        subpath);
  }

  private static void encodeSegments(StringBuilder s, String path) {
    String[] segments = path.split("/");
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        s.append('/');
      }
      encode(s, segments[i]);
    }
  }

  private static void encode(StringBuilder s, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        s.append((char) c);
      } else {
        s.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
  }

  /** Segments without empty ones (and, in a subpath, without '.' and '..'), each decoded. */
  private static String decodeSegments(String path, boolean subpath)
      throws MalformedPackageURLException {
    StringBuilder s = new StringBuilder();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || (subpath && (segment.equals(".") || segment.equals("..")))) {
        continue;
      }
      if (!s.isEmpty()) {
        s.append('/');
      }
      s.append(decode(segment));
    }
    return s.isEmpty() ? null : s.toString();
  }

  static String decode(String text) throws MalformedPackageURLException {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); ) {
      char c = text.charAt(i);
      if (c == '%') {
        int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw new MalformedPackageURLException(
              "'%' is not followed by two hex digits in '" + text + "'");
        }
        bytes.write(hi << 4 | lo);
        i += 3;
      } else {
        int end = i;
        while (end < text.length() && text.charAt(end) != '%') {
          end++;
        }
        bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedPackageURLException("'" + text + "' does not decode to UTF-8 text");
    }
  }

  private static String strip(String s, char c) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == c) {
      start++;
    }
    while (end > start && s.charAt(end - 1) == c) {
      end--;
    }
    return s.substring(start, end);
  }
}

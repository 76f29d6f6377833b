package dev.sekisho.scanner.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235), e.g. {@code Bearer
 * realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"}.
 *
 * @param scheme scheme in lower case ("bearer", "basic")
 * @param params parameters, names in lower case
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

  public AuthChallenge {
    params = Map.copyOf(params);
  }

  /** The realm parameter, or null. */
  public String realm() {
    return params.get("realm");
  }

  /**
   * Parses a header value, which may hold several challenges. Hand-written: the JDK has no public
   * parser for it and the grammar is small.
   */
  public static List<AuthChallenge> parse(String header) {
    List<AuthChallenge> out = new ArrayList<>();
    if (header == null) {
      return out;
    }
    int i = 0;
    int n = header.length();
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
        i++;
      }
      int start = i;
      while (i < n && isTokenChar(header.charAt(i))) {
        i++;
      }
      if (i == start) {
        i++; // skip an unexpected character
        continue;
      }
      String token = header.substring(start, i);
      int j = i;
      while (j < n && header.charAt(j) == ' ') {
        j++;
      }
      if (j < n && header.charAt(j) == '=' && scheme != null) {
        // name=value parameter
        j++;
        while (j < n && header.charAt(j) == ' ') {
          j++;
        }
        StringBuilder value = new StringBuilder();
        if (j < n && header.charAt(j) == '"') {
          j++;
          while (j < n && header.charAt(j) != '"') {
            char c = header.charAt(j);
            if (c == '\\' && j + 1 < n) {
              j++;
              c = header.charAt(j);
            }
            value.append(c);
            j++;
          }
          j++; // closing quote
        } else {
          while (j < n && header.charAt(j) != ',' && header.charAt(j) != ' ') {
            value.append(header.charAt(j));
            j++;
          }
        }
        params.put(token.toLowerCase(Locale.ROOT), value.toString());
        i = j;
      } else {
        // a new scheme
        if (scheme != null) {
          out.add(new AuthChallenge(scheme, params));
          params = new LinkedHashMap<>();
        }
        scheme = token.toLowerCase(Locale.ROOT);
      }
    }
    if (scheme != null) {
      out.add(new AuthChallenge(scheme, params));
    }
    return out;
  }

  private static boolean isTokenChar(char c) {
    return Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~/".indexOf(c) >= 0;
  }
}

package dev.sekisho.scanner.analyzer.npm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Maps npm's JSON (package.json, lockfile entries) to packages. */
final class NpmPackageJson {
  private NpmPackageJson() {}

  /** The package named {@code name} ("@scope/name" or "name") at {@code version}. */
  static Package toPackage(String name, String version, List<String> licenses, Location location) {
    String namespace = null;
    String bare = name;
    int slash = name.indexOf('/');
    if (name.startsWith("@") && slash > 0) {
      namespace = name.substring(0, slash);
      bare = name.substring(slash + 1);
    }
    return new Package(
        PackageType.NPM,
        name,
        version,
        null,
        null,
        licenses,
        PackageUrls.of(PackageType.NPM, namespace, bare, version, null),
        location,
        null);
  }

  /** Licenses kept per package; more are not read. */
  static final int MAX_LICENSES = 64;

  /**
   * The declared licenses of a package.json or lockfile entry, read from its fields as they stream
   * past: "license" as a string (an SPDX expression) or, in old packages, as an object with "type",
   * or a "licenses" array of such strings and objects. The last of duplicate fields wins; "license"
   * comes before "licenses" whatever their order in the file.
   */
  static final class Licenses {
    private List<String> license = List.of();
    private List<String> licenses = List.of();

    /**
     * Reads the value of {@code field} when it is "license" or "licenses", the parser standing on
     * its first token; returns false (reading nothing) for other fields.
     */
    boolean read(String field, JsonParser parser) throws IOException {
      switch (field) {
        case "license" -> {
          List<String> out = new ArrayList<>(1);
          addOne(parser, out);
          license = out;
        }
        case "licenses" -> {
          List<String> out = new ArrayList<>(2);
          JsonToken t = parser.currentToken();
          if (t == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              addOne(parser, out);
            }
          } else if (t == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              parser.nextToken();
              addOne(parser, out);
            }
          } else {
            parser.skipChildren();
          }
          licenses = out;
        }
        default -> {
          return false;
        }
      }
      return true;
    }

    /** A string, or an object's "type" string; anything else is skipped. */
    private static void addOne(JsonParser parser, List<String> out) throws IOException {
      JsonToken t = parser.currentToken();
      if (t == JsonToken.VALUE_STRING) {
        if (out.size() < MAX_LICENSES) {
          out.add(parser.getText());
        }
      } else if (t == JsonToken.START_OBJECT) {
        String type = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if (name.equals("type")) {
            type = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          }
          parser.skipChildren();
        }
        if (type != null && out.size() < MAX_LICENSES) {
          out.add(type);
        }
      } else {
        parser.skipChildren();
      }
    }

    /** The licenses read: "license" first, then "licenses". */
    List<String> list() {
      if (licenses.isEmpty()) {
        return license;
      }
      List<String> all = new ArrayList<>(license);
      all.addAll(licenses);
      return all;
    }
  }

  /**
   * A scalar value's text as a tree's {@code asText()} gives it (a number or boolean as its text),
   * null for JSON null; an object or array is skipped and gives "".
   */
  static String text(JsonParser parser) throws IOException {
    JsonToken value = parser.currentToken();
    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
      parser.skipChildren();
      return "";
    }
    return value == JsonToken.VALUE_NULL ? null : parser.getText();
  }
}

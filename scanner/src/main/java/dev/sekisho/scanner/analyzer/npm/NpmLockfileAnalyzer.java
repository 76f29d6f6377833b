package dev.sekisho.scanner.analyzer.npm;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.LimitedJson;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * npm packages an application's {@code package-lock.json} pins, for images that ship an app without
 * its node_modules. Reads lockfile versions 2 and 3 ("packages", keyed by install path) and version
 * 1 ("dependencies", nested). Development dependencies, links and the app itself are left out.
 *
 * <p>When node_modules is present too, the same packages are found from their package.json files;
 * {@link #withoutInstalledDuplicates} drops the lockfile's copies after all layers are merged.
 */
public final class NpmLockfileAnalyzer implements Analyzer {
  static final String LOCKFILE = "package-lock.json";

  @Override
  public String name() {
    return "npm-lockfile";
  }

  @Override
  public int version() {
    // 2: read streaming with the analyzers' limits; lockfiles over 64 MiB are read up to the file
    // limit with a warning instead of left out without one
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return (path.equals(LOCKFILE) || path.endsWith("/" + LOCKFILE))
        && !path.contains("node_modules/");
  }

  /**
   * Reads the lockfile as a token stream, keeping only each entry's name, version, dev, link and
   * licenses; at most {@link dev.sekisho.scanner.analyzer.AnalyzerLimits#maxPackagesPerFile()}
   * packages are taken.
   */
  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    ParseProblems problems = new ParseProblems(input);
    Reader reader = new Reader(input.location(), problems);
    try (JsonParser parser = LimitedJson.parser(problems.limitedStream())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        problems.add("not a JSON object");
        return AnalysisResult.ofPackages(null, problems.warnings());
      }
      reader.readRoot(parser);
    } catch (JacksonException e) {
      problems.add(LimitedJson.describe(e));
    } catch (PackageLimit e) {
      // warned by ParseProblems; what was read is kept
    }
    return AnalysisResult.ofPackages(reader.packages(), problems.warnings());
  }

  /** Thrown to stop reading when the package limit is reached. */
  private static final class PackageLimit extends Exception {
    PackageLimit() {
      super(null, null, false, false);
    }
  }

  /**
   * Reads the root object. Lockfiles 2 and 3 key their entries by install path in "packages";
   * version 1 nests them in "dependencies" (version 2 has both: "packages" wins, in whatever order
   * the two come).
   */
  private static final class Reader {
    private final Location location;
    private final ParseProblems problems;
    private final List<Package> packagesV2 = new ArrayList<>();
    private final List<Package> packagesV1 = new ArrayList<>();
    private boolean sawPackages;
    private int taken; // packages read, nested version 1 ones included

    Reader(Location location, ParseProblems problems) {
      this.location = location;
      this.problems = problems;
    }

    List<Package> packages() {
      return sawPackages ? packagesV2 : packagesV1;
    }

    void readRoot(JsonParser parser) throws IOException, PackageLimit {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("packages") && value == JsonToken.START_OBJECT) {
          sawPackages = true;
          packagesV1.clear();
          packagesV2.clear(); // the last of duplicate keys wins
          taken = 0;
          readPackages(parser);
        } else if (field.equals("dependencies")
            && value == JsonToken.START_OBJECT
            && !sawPackages) {
          packagesV1.clear();
          taken = 0;
          readV1(parser, packagesV1);
        } else {
          parser.skipChildren();
        }
      }
    }

    private void readPackages(JsonParser parser) throws IOException, PackageLimit {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken value = parser.nextToken();
        int at = key.lastIndexOf("node_modules/");
        if (at < 0) {
          parser.skipChildren(); // "" is the app itself; workspace folders are not installed
          continue;
        }
        Entry entry = new Entry();
        if (value == JsonToken.START_OBJECT) {
          entry.read(parser, null);
        } else {
          parser.skipChildren();
        }
        if (entry.dev || entry.link) {
          continue;
        }
        String name =
            entry.name == null ? key.substring(at + "node_modules/".length()) : entry.name;
        if (entry.version == null || entry.version.isEmpty()) {
          problems.add("package " + key + " has no version");
          continue;
        }
        add(
            packagesV2,
            NpmPackageJson.toPackage(name, entry.version, entry.licenses.list(), location));
      }
    }

    /** Version 1: "dependencies" maps names to entries that may nest "dependencies" again. */
    private void readV1(JsonParser parser, List<Package> out) throws IOException, PackageLimit {
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        Entry entry = new Entry();
        List<Package> nested = new ArrayList<>();
        if (value == JsonToken.START_OBJECT) {
          entry.read(parser, nested);
        } else {
          parser.skipChildren();
        }
        if (entry.dev) {
          continue; // with everything below it
        }
        String version = entry.version == null ? "" : entry.version;
        if (version.isEmpty() || version.startsWith("file:")) {
          problems.add("package " + name + " has no registry version");
        } else {
          add(out, NpmPackageJson.toPackage(name, version, List.of(), location));
        }
        out.addAll(nested); // counted when read
      }
    }

    private void add(List<Package> out, Package p) throws PackageLimit {
      if (problems.packageLimitReached(taken)) {
        throw new PackageLimit();
      }
      taken++;
      out.add(p);
    }

    /** The fields of one entry that matter. */
    private final class Entry {
      String name;
      String version;
      boolean dev;
      boolean link;
      final NpmPackageJson.Licenses licenses = new NpmPackageJson.Licenses();

      /** Reads the entry's object; nested version 1 dependencies go to {@code nested}. */
      void read(JsonParser parser, List<Package> nested) throws IOException, PackageLimit {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          switch (field) {
            case "name" -> name = NpmPackageJson.text(parser);
            case "version" -> version = NpmPackageJson.text(parser);
            case "dev" -> dev = asBoolean(parser, value);
            case "link" -> link = asBoolean(parser, value);
            case "dependencies" -> {
              if (nested != null && value == JsonToken.START_OBJECT) {
                nested.clear();
                readV1(parser, nested);
              } else {
                parser.skipChildren();
              }
            }
            default -> {
              if (nested != null || !licenses.read(field, parser)) {
                parser.skipChildren();
              }
            }
          }
        }
      }
    }
  }

  /** A value as a tree's {@code asBoolean()} reads it: true, "true", or a non-zero integer. */
  private static boolean asBoolean(JsonParser parser, JsonToken value) throws IOException {
    return switch (value) {
      case VALUE_TRUE -> true;
      case VALUE_STRING -> parser.getText().strip().equals("true");
      case VALUE_NUMBER_INT -> parser.getLongValue() != 0;
      case START_OBJECT, START_ARRAY -> {
        parser.skipChildren();
        yield false;
      }
      default -> false;
    };
  }

  /**
   * The packages without those lockfile entries that an installed package (found from its
   * package.json under the lockfile's own node_modules directory) already accounts for.
   */
  public static List<Package> withoutInstalledDuplicates(List<Package> packages) {
    Set<String> installed = new HashSet<>();
    for (Package p : packages) {
      String path = p.location() == null ? null : p.location().path();
      if (p.type() == PackageType.NPM && path != null && path.endsWith("/package.json")) {
        int at = path.indexOf("/node_modules/");
        if (at >= 0) {
          installed.add(path.substring(0, at) + "\0" + p.name() + "\0" + p.version());
        }
      }
    }
    if (installed.isEmpty()) {
      return packages;
    }
    List<Package> out = new ArrayList<>(packages.size());
    for (Package p : packages) {
      String path = p.location() == null ? null : p.location().path();
      if (p.type() == PackageType.NPM && path != null && path.endsWith("/" + LOCKFILE)) {
        String dir = path.substring(0, path.length() - LOCKFILE.length() - 1);
        if (installed.contains(dir + "\0" + p.name() + "\0" + p.version())) {
          continue;
        }
      }
      out.add(p);
    }
    return out;
  }
}

package dev.sekisho.scanner.analyzer.rust;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.LimitedJson;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Rust crates compiled into ELF binaries built with cargo-auditable: the {@code .dep-v0} section
 * holds zlib-compressed JSON, {@code {"packages": [{"name", "version", "source", "kind", ...}]}}.
 * Build-time dependencies ({@code "kind": "build"}) are not in the binary and are left out.
 */
public final class CargoAuditableAnalyzer implements Analyzer {
  private static final int MAX_SECTION = 8 * 1024 * 1024;
  private static final long MAX_JSON = 64L * 1024 * 1024;

  @Override
  public String name() {
    return "cargo-auditable";
  }

  @Override
  public int version() {
    // 2: the section's JSON is read streaming with the analyzers' limits
    return 2;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return info.executable() && info.size() >= 1024;
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    SeekableByteChannel ch = input.channel();
    if (!ElfFile.isElf(ch)) {
      return AnalysisResult.EMPTY;
    }
    ParseProblems problems = new ParseProblems(input);
    List<Package> packages = new ArrayList<>();
    Location location = input.location();
    try {
      ElfFile elf = ElfFile.read(ch);
      ElfFile.Section section = elf.section(".dep-v0");
      if (section == null) {
        return AnalysisResult.EMPTY;
      }
      byte[] compressed = elf.contents(section, MAX_SECTION);
      // streamed from the inflater: the JSON is never held whole, nor as a tree
      try (InputStream in =
              problems.limit(
                  new InflaterInputStream(new ByteArrayInputStream(compressed)),
                  MAX_JSON,
                  ".dep-v0",
                  "the limit for a cargo-auditable section's JSON");
          JsonParser parser = LimitedJson.parser(in)) {
        readPackages(parser, location, packages, problems);
      }
    } catch (ElfFormatException | EOFException | ZipException e) {
      problems.add(e.getMessage());
    } catch (JacksonException e) {
      problems.add(".dep-v0: " + LimitedJson.describe(e));
    }
    return AnalysisResult.ofPackages(packages, problems.warnings());
  }

  /** The root object's "packages" array, keeping name, version and kind of each. */
  private static void readPackages(
      JsonParser parser, Location location, List<Package> packages, ParseProblems problems)
      throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (!field.equals("packages") || value != JsonToken.START_ARRAY) {
        parser.skipChildren();
        continue;
      }
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        String name = "";
        String version = "";
        String kind = "";
        if (parser.currentToken() == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String f = parser.currentName();
            JsonToken v = parser.nextToken();
            if (v.isStructStart()) {
              parser.skipChildren();
            } else if (v != JsonToken.VALUE_NULL) {
              switch (f) {
                case "name" -> name = parser.getText();
                case "version" -> version = parser.getText();
                case "kind" -> kind = parser.getText();
                default -> {}
              }
            }
          }
        } else {
          parser.skipChildren();
        }
        if (name.isEmpty() || version.isEmpty() || "build".equals(kind)) {
          continue;
        }
        if (problems.packageLimitReached(packages.size())) {
          return;
        }
        packages.add(
            new Package(
                PackageType.CARGO,
                name,
                version,
                null,
                null,
                List.of(),
                PackageUrls.of(PackageType.CARGO, name, version),
                location,
                null));
      }
    }
  }
}

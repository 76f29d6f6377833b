package dev.sekisho.scanner.analyzer.rust;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.PackageUrls;
import dev.sekisho.scanner.analyzer.elf.ElfFile;
import dev.sekisho.scanner.analyzer.elf.ElfFormatException;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_SECTION = 8 * 1024 * 1024;
  private static final long MAX_JSON = 64L * 1024 * 1024;

  @Override
  public String name() {
    return "cargo-auditable";
  }

  @Override
  public int version() {
    return 1;
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
    JsonNode root;
    try {
      ElfFile elf = ElfFile.read(ch);
      ElfFile.Section section = elf.section(".dep-v0");
      if (section == null) {
        return AnalysisResult.EMPTY;
      }
      byte[] compressed = elf.contents(section, MAX_SECTION);
      try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(compressed))) {
        byte[] json = in.readNBytes((int) MAX_JSON);
        root = JSON.readTree(json);
      }
    } catch (ElfFormatException | EOFException | ZipException e) {
      return AnalysisResult.ofPackages(null, List.of(input.cannotParse(e.getMessage())));
    } catch (JacksonException e) {
      return AnalysisResult.ofPackages(
          null, List.of(input.cannotParse(".dep-v0: " + e.getOriginalMessage())));
    }
    List<Package> packages = new ArrayList<>();
    for (JsonNode p : root.path("packages")) {
      String name = p.path("name").asText("");
      String version = p.path("version").asText("");
      if (name.isEmpty() || version.isEmpty() || "build".equals(p.path("kind").asText())) {
        continue;
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
              input.location(),
              null));
    }
    return AnalysisResult.ofPackages(packages, null);
  }
}

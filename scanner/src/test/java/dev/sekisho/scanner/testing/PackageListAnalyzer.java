package dev.sekisho.scanner.testing;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.PackageType;
import dev.sekisho.scanner.model.ScanWarning;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test analyzer: wants files ending in {@code .pkgs} (and {@code etc/os-release}); each line
 * {@code NAME VERSION} is a package. With {@code useChannel} it reads through {@link
 * AnalysisInput#channel()}. Records every path it was given.
 */
public final class PackageListAnalyzer implements Analyzer {
  private final String name;
  private final int version;
  private final boolean useChannel;
  public final List<String> seen = new CopyOnWriteArrayList<>();

  public PackageListAnalyzer(String name, int version, boolean useChannel) {
    this.name = name;
    this.version = version;
    this.useChannel = useChannel;
  }

  public PackageListAnalyzer() {
    this("pkgs", 1, false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    return path.endsWith(".pkgs") || path.equals("etc/os-release");
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    seen.add(input.path());
    String text;
    if (useChannel) {
      SeekableByteChannel ch = input.channel();
      ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
      // read the second half first to prove random access works
      long half = ch.size() / 2;
      ch.position(half);
      while (buf.position() < ch.size() - half && ch.read(buf) > 0) {}
      byte[] tail = new byte[buf.position()];
      buf.flip();
      buf.get(tail);
      ch.position(0);
      ByteBuffer head = ByteBuffer.allocate((int) half);
      while (head.hasRemaining() && ch.read(head) > 0) {}
      text =
          new String(head.array(), StandardCharsets.UTF_8)
              + new String(tail, StandardCharsets.UTF_8);
    } else {
      text = new String(input.stream().readAllBytes(), StandardCharsets.UTF_8);
    }
    if (input.path().equals("etc/os-release")) {
      return new AnalysisResult(
          null, new OperatingSystem("testos", text.strip(), null, null), null, null);
    }
    List<Package> packages = new ArrayList<>();
    List<ScanWarning> warnings = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.strip().split(" ");
      if (parts.length != 2) {
        warnings.add(
            new ScanWarning(input.location(), "line " + lineNo + ": expected NAME VERSION"));
        continue;
      }
      packages.add(
          new Package(
              PackageType.NPM,
              parts[0],
              parts[1],
              null,
              null,
              null,
              "pkg:npm/" + parts[0] + "@" + parts[1],
              input.location(),
              null));
    }
    return AnalysisResult.ofPackages(packages, warnings);
  }
}

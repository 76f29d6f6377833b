package dev.sekisho.scanner.secret;

import dev.sekisho.scanner.analyzer.AnalysisInput;
import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.analyzer.LineReader;
import dev.sekisho.scanner.analyzer.ParseProblems;
import dev.sekisho.scanner.model.InstalledFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files OS packages installed and the checksums their package databases recorded: dpkg's {@code
 * var/lib/dpkg/info/PACKAGE.md5sums} (and distroless images' {@code
 * var/lib/dpkg/status.d/PACKAGE.md5sums}), lines of {@code MD5 PATH}; and apk's {@code
 * lib/apk/db/installed}, whose {@code Z:Q1…} lines hold the base64 SHA-1 of the file named by the
 * preceding {@code F:} (directory) and {@code R:} (file) lines.
 *
 * <p>Used after the layers are merged ({@link InstalledFiles}) to drop secret findings in package
 * files that are still as installed: the package's published contents (test keys, example
 * configuration), not the image's secrets.
 */
public final class InstalledFilesAnalyzer implements Analyzer {
  static final String DPKG_INFO = "var/lib/dpkg/info/";
  static final String DPKG_STATUS_D = "var/lib/dpkg/status.d/";
  static final String APK_INSTALLED = "lib/apk/db/installed";
  private static final Pattern MD5_LINE = Pattern.compile("^([0-9a-fA-F]{32}) [ *]?(.+)$");

  @Override
  public String name() {
    return "installed-files";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean required(String path, FileInfo info) {
    if (path.equals(APK_INSTALLED)) {
      return true;
    }
    if (!path.endsWith(".md5sums")) {
      return false;
    }
    String dir =
        path.startsWith(DPKG_INFO)
            ? DPKG_INFO
            : path.startsWith(DPKG_STATUS_D) ? DPKG_STATUS_D : null;
    return dir != null && path.indexOf('/', dir.length()) < 0;
  }

  @Override
  public AnalysisResult analyze(AnalysisInput input) throws IOException {
    // the analyzers' shared limits on file size and line length
    ParseProblems problems = new ParseProblems(input);
    LineReader reader = new LineReader(problems.limitedStream(), problems);
    List<InstalledFile> files =
        input.path().equals(APK_INSTALLED) ? apk(reader, problems) : dpkg(input, reader, problems);
    return new AnalysisResult(null, null, null, problems.warnings(), files);
  }

  private static List<InstalledFile> dpkg(
      AnalysisInput input, LineReader reader, ParseProblems problems) throws IOException {
    String name = input.path().substring(input.path().lastIndexOf('/') + 1);
    name = name.substring(0, name.length() - ".md5sums".length());
    int colon = name.indexOf(':'); // libssl3:amd64
    String packageName = colon < 0 ? name : name.substring(0, colon);
    List<InstalledFile> files = new ArrayList<>();
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      var m = MD5_LINE.matcher(line);
      if (!m.matches()) {
        problems.add("line " + reader.lineNumber() + ": not \"MD5  PATH\"");
        continue;
      }
      String path = m.group(2);
      while (path.startsWith("/") || path.startsWith("./")) {
        path = path.substring(path.charAt(0) == '/' ? 1 : 2);
      }
      files.add(
          new InstalledFile(
              path, packageName, "md5:" + m.group(1).toLowerCase(java.util.Locale.ROOT)));
    }
    return files;
  }

  private static List<InstalledFile> apk(LineReader reader, ParseProblems problems)
      throws IOException {
    List<InstalledFile> files = new ArrayList<>();
    String packageName = null;
    String dir = "";
    String file = null;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.isEmpty()) {
        packageName = null;
        dir = "";
        file = null;
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != ':') {
        continue;
      }
      String value = line.substring(2);
      switch (line.charAt(0)) {
        case 'P' -> packageName = value;
        case 'F' -> {
          dir = value;
          file = null;
        }
        case 'R' -> file = value;
        case 'Z' -> {
          if (file != null && packageName != null && value.startsWith("Q1")) {
            try {
              byte[] sha1 = Base64.getDecoder().decode(value.substring(2));
              String path = dir.isEmpty() ? file : dir + "/" + file;
              files.add(
                  new InstalledFile(path, packageName, "sha1:" + HexFormat.of().formatHex(sha1)));
            } catch (IllegalArgumentException e) {
              problems.add("line " + reader.lineNumber() + ": checksum is not base64: " + value);
            }
          }
          file = null;
        }
        default -> {}
      }
    }
    return files;
  }
}
